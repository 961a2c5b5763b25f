// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface ApproveAccessRequest {
  'id'?: (string);
  /**
   * How long the access lasts from now; 0 = the duration asked for. At most max_duration.
   */
  'durationMs'?: (number | string | Long);
  /**
   * An optional note recorded with the approval (at most 512 characters).
   */
  'reason'?: (string);
}

export interface ApproveAccessRequest__Output {
  'id': (string);
  /**
   * How long the access lasts from now; 0 = the duration asked for. At most max_duration.
   */
  'durationMs': (number);
  /**
   * An optional note recorded with the approval (at most 512 characters).
   */
  'reason': (string);
}
