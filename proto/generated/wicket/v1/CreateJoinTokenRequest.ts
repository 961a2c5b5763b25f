// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface CreateJoinTokenRequest {
  'gatewayName'?: (string);
  /**
   * Token lifetime; 0 = default (1 h). At most 30 days.
   */
  'ttlSeconds'?: (number | string | Long);
  /**
   * The WireGuard endpoint ("HOST:PORT") the gateway may announce; empty = the first one it
   * announces after enrolling is recorded, and only that one is accepted afterwards.
   */
  'endpoint'?: (string);
}

export interface CreateJoinTokenRequest__Output {
  'gatewayName': (string);
  /**
   * Token lifetime; 0 = default (1 h). At most 30 days.
   */
  'ttlSeconds': (number);
  /**
   * The WireGuard endpoint ("HOST:PORT") the gateway may announce; empty = the first one it
   * announces after enrolling is recorded, and only that one is accepted afterwards.
   */
  'endpoint': (string);
}
