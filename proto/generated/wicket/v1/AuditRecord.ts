// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditRecord {
  'id'?: (number | string | Long);
  'atMs'?: (number | string | Long);
  /**
   * Who: "admin:alice", "user:bob", "gateway:dc1", "system".
   */
  'actor'?: (string);
  /**
   * What: "user.add", "login.ok", "login.fail", "session.revoke", "policy.apply", ...
   */
  'action'?: (string);
  /**
   * On what: a user name, session id, gateway name, ...
   */
  'target'?: (string);
  /**
   * Structured details as a JSON object (never secrets).
   */
  'detailsJson'?: (string);
  /**
   * hash = SHA-256(prev_hash || canonical record), hex.
   */
  'prevHash'?: (string);
  'hash'?: (string);
}

export interface AuditRecord__Output {
  'id': (number);
  'atMs': (number);
  /**
   * Who: "admin:alice", "user:bob", "gateway:dc1", "system".
   */
  'actor': (string);
  /**
   * What: "user.add", "login.ok", "login.fail", "session.revoke", "policy.apply", ...
   */
  'action': (string);
  /**
   * On what: a user name, session id, gateway name, ...
   */
  'target': (string);
  /**
   * Structured details as a JSON object (never secrets).
   */
  'detailsJson': (string);
  /**
   * hash = SHA-256(prev_hash || canonical record), hex.
   */
  'prevHash': (string);
  'hash': (string);
}
