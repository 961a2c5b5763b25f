// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface ListFlowsRequest {
  'sessionId'?: (string);
  'user'?: (string);
  /**
   * Only records newer than this (0 = all retained).
   */
  'sinceMs'?: (number | string | Long);
  /**
   * At most this many of each kind (0 = 1000).
   */
  'limit'?: (number);
}

export interface ListFlowsRequest__Output {
  'sessionId': (string);
  'user': (string);
  /**
   * Only records newer than this (0 = all retained).
   */
  'sinceMs': (number);
  /**
   * At most this many of each kind (0 = 1000).
   */
  'limit': (number);
}
