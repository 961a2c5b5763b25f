// Original file: proto/wicket.proto

import type { HttpAccess as _wicket_v1_HttpAccess, HttpAccess__Output as _wicket_v1_HttpAccess__Output } from '../../wicket/v1/HttpAccess.js';
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
  /**
   * Set for an HTTP resource: the destination and port are then the gateway's proxy (its
   * service address, tcp/80), and this says which requests the grant allows there.
   */
  'http'?: (_wicket_v1_HttpAccess | null);
  /**
   * Gateways that also serve this destination (a resource with `gateway: [a, b]`): the client
   * routes it through `gateway` and moves it to the first of these that answers when `gateway`
   * stops answering.
   */
  'standbyGateways'?: (string)[];
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
  /**
   * Set for an HTTP resource: the destination and port are then the gateway's proxy (its
   * service address, tcp/80), and this says which requests the grant allows there.
   */
  'http': (_wicket_v1_HttpAccess__Output | null);
  /**
   * Gateways that also serve this destination (a resource with `gateway: [a, b]`): the client
   * routes it through `gateway` and moves it to the first of these that answers when `gateway`
   * stops answering.
   */
  'standbyGateways': (string)[];
}
