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
  'deviceId'?: (string);
  /**
   * Skip this many of each kind first (newest first).
   */
  'offset'?: (number);
  /**
   * > 0: also a histogram of the matching records from since_ms to now in buckets this long
   * (at most 1,000 buckets).
   */
  'bucketMs'?: (number | string | Long);
  /**
   * Also the HTTP requests through the gateways' proxies (ListFlowsResponse.http_requests).
   */
  'http'?: (boolean);
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
  'deviceId': (string);
  /**
   * Skip this many of each kind first (newest first).
   */
  'offset': (number);
  /**
   * > 0: also a histogram of the matching records from since_ms to now in buckets this long
   * (at most 1,000 buckets).
   */
  'bucketMs': (number);
  /**
   * Also the HTTP requests through the gateways' proxies (ListFlowsResponse.http_requests).
   */
  'http': (boolean);
}
