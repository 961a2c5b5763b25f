// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One nftables set element: overlay address . destination . protocol . ports.
 */
export interface GatewayRule {
  'destination'?: (string);
  'protocol'?: (string);
  'portFrom'?: (number);
  'portTo'?: (number);
  /**
   * The element's kernel timeout is set from this (never later than the session's expiry).
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * One nftables set element: overlay address . destination . protocol . ports.
 */
export interface GatewayRule__Output {
  'destination': (string);
  'protocol': (string);
  'portFrom': (number);
  'portTo': (number);
  /**
   * The element's kernel timeout is set from this (never later than the session's expiry).
   */
  'expiresAtMs': (number);
}
