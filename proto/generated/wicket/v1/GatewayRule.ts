// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One nftables set element: overlay address . destination . protocol . ports.
 */
export interface GatewayRule {
  /**
   * An IPv4 or IPv6 address or CIDR, a DNS name ("db.corp.internal", resolved by the gateway)
   * or a wildcard ("*.corp.internal", whose addresses the gateway learns from the session's
   * queries to its DNS service).
   */
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
  /**
   * An IPv4 or IPv6 address or CIDR, a DNS name ("db.corp.internal", resolved by the gateway)
   * or a wildcard ("*.corp.internal", whose addresses the gateway learns from the session's
   * queries to its DNS service).
   */
  'destination': (string);
  'protocol': (string);
  'portFrom': (number);
  'portTo': (number);
  /**
   * The element's kernel timeout is set from this (never later than the session's expiry).
   */
  'expiresAtMs': (number);
}
