// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface VerifyAuditResponse {
  'ok'?: (boolean);
  'recordsChecked'?: (number | string | Long);
  /**
   * The first record whose hash does not verify (0 when ok).
   */
  'firstBadId'?: (number | string | Long);
  'message'?: (string);
}

export interface VerifyAuditResponse__Output {
  'ok': (boolean);
  'recordsChecked': (number);
  /**
   * The first record whose hash does not verify (0 when ok).
   */
  'firstBadId': (number);
  'message': (string);
}
