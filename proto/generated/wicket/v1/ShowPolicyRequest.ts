// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface ShowPolicyRequest {
  /**
   * 0 = the applied version.
   */
  'version'?: (number | string | Long);
}

export interface ShowPolicyRequest__Output {
  /**
   * 0 = the applied version.
   */
  'version': (number);
}
