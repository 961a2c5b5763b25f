// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One request for a requestable grant's resource, and what became of it.
 */
export interface AccessRequest {
  'id'?: (string);
  'username'?: (string);
  'grant'?: (string);
  'resource'?: (string);
  /**
   * Why the requester needs it (at most 512 characters).
   */
  'reason'?: (string);
  /**
   * The duration asked for.
   */
  'durationMs'?: (number | string | Long);
  /**
   * "pending", "approved", "denied", "revoked", "expired".
   */
  'state'?: (string);
  'createdAtMs'?: (number | string | Long);
  /**
   * Who approved or denied it ("admin:dave"), when, and the approver's note or reason.
   */
  'decidedBy'?: (string);
  'decidedAtMs'?: (number | string | Long);
  'decisionReason'?: (string);
  /**
   * When approved: when the access ends (approval time + the approved duration).
   */
  'expiresAtMs'?: (number | string | Long);
  /**
   * When revoked or expired: by whom ("admin:dave", "system"), when and why.
   */
  'endedBy'?: (string);
  'endedAtMs'?: (number | string | Long);
  'endReason'?: (string);
  /**
   * The grant's approvers under the applied policy ("dave", "group:db-approvers").
   */
  'approvers'?: (string)[];
}

/**
 * One request for a requestable grant's resource, and what became of it.
 */
export interface AccessRequest__Output {
  'id': (string);
  'username': (string);
  'grant': (string);
  'resource': (string);
  /**
   * Why the requester needs it (at most 512 characters).
   */
  'reason': (string);
  /**
   * The duration asked for.
   */
  'durationMs': (number);
  /**
   * "pending", "approved", "denied", "revoked", "expired".
   */
  'state': (string);
  'createdAtMs': (number);
  /**
   * Who approved or denied it ("admin:dave"), when, and the approver's note or reason.
   */
  'decidedBy': (string);
  'decidedAtMs': (number);
  'decisionReason': (string);
  /**
   * When approved: when the access ends (approval time + the approved duration).
   */
  'expiresAtMs': (number);
  /**
   * When revoked or expired: by whom ("admin:dave", "system"), when and why.
   */
  'endedBy': (string);
  'endedAtMs': (number);
  'endReason': (string);
  /**
   * The grant's approvers under the applied policy ("dave", "group:db-approvers").
   */
  'approvers': (string)[];
}
