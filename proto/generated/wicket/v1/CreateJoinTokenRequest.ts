// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface CreateJoinTokenRequest {
  'gatewayName'?: (string);
  /**
   * Token lifetime; 0 = default (1 h). At most 30 days.
   */
  'ttlSeconds'?: (number | string | Long);
}

export interface CreateJoinTokenRequest__Output {
  'gatewayName': (string);
  /**
   * Token lifetime; 0 = default (1 h). At most 30 days.
   */
  'ttlSeconds': (number);
}
