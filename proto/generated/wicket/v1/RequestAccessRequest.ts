// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface RequestAccessRequest {
  /**
   * A resource name from the policy.
   */
  'resource'?: (string);
  /**
   * The requestable grant to ask through; empty = the only one that gives `resource`.
   */
  'grant'?: (string);
  /**
   * How long the access should last (at most the grant's max_duration).
   */
  'durationMs'?: (number | string | Long);
  'reason'?: (string);
}

export interface RequestAccessRequest__Output {
  /**
   * A resource name from the policy.
   */
  'resource': (string);
  /**
   * The requestable grant to ask through; empty = the only one that gives `resource`.
   */
  'grant': (string);
  /**
   * How long the access should last (at most the grant's max_duration).
   */
  'durationMs': (number);
  'reason': (string);
}
