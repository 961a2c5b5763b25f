// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One allowed (destination, protocol, port range) for a session, and the grant behind it.
 */
export interface Entitlement {
  'resource'?: (string);
  'gateway'?: (string);
  /**
   * Destination address or CIDR.
   */
  'destination'?: (string);
  /**
   * "tcp", "udp" or "icmp".
   */
  'protocol'?: (string);
  /**
   * Inclusive port range; 0-0 for icmp.
   */
  'portFrom'?: (number);
  'portTo'?: (number);
  /**
   * The policy grant that allows it.
   */
  'grant'?: (string);
  /**
   * When this entitlement ends (session expiry, grant TTL, schedule end, whichever first).
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * One allowed (destination, protocol, port range) for a session, and the grant behind it.
 */
export interface Entitlement__Output {
  'resource': (string);
  'gateway': (string);
  /**
   * Destination address or CIDR.
   */
  'destination': (string);
  /**
   * "tcp", "udp" or "icmp".
   */
  'protocol': (string);
  /**
   * Inclusive port range; 0-0 for icmp.
   */
  'portFrom': (number);
  'portTo': (number);
  /**
   * The policy grant that allows it.
   */
  'grant': (string);
  /**
   * When this entitlement ends (session expiry, grant TTL, schedule end, whichever first).
   */
  'expiresAtMs': (number);
}
