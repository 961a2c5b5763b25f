// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface GatewayStatus {
  'name'?: (string);
  'connected'?: (boolean);
  'endpoint'?: (string);
  'publicKey'?: (string);
  'enrolledAtMs'?: (number | string | Long);
  /**
   * The latest version sent and the latest acknowledged.
   */
  'desiredVersion'?: (number | string | Long);
  'appliedVersion'?: (number | string | Long);
  'lastAckMs'?: (number | string | Long);
  /**
   * Time the gateway took to apply the last acknowledged version, in microseconds.
   */
  'lastApplyUs'?: (number | string | Long);
  'lastReportMs'?: (number | string | Long);
  /**
   * "healthy", "lagging" (unacked versions or reports late), "disconnected", "never connected".
   */
  'health'?: (string);
  'sessions'?: (number);
  'connectedSinceMs'?: (number | string | Long);
  /**
   * The overlay address its HTTP proxy listens on ('' = not assigned yet).
   */
  'serviceAddress'?: (string);
  'serviceAddressIpv6'?: (string);
}

export interface GatewayStatus__Output {
  'name': (string);
  'connected': (boolean);
  'endpoint': (string);
  'publicKey': (string);
  'enrolledAtMs': (number);
  /**
   * The latest version sent and the latest acknowledged.
   */
  'desiredVersion': (number);
  'appliedVersion': (number);
  'lastAckMs': (number);
  /**
   * Time the gateway took to apply the last acknowledged version, in microseconds.
   */
  'lastApplyUs': (number);
  'lastReportMs': (number);
  /**
   * "healthy", "lagging" (unacked versions or reports late), "disconnected", "never connected".
   */
  'health': (string);
  'sessions': (number);
  'connectedSinceMs': (number);
  /**
   * The overlay address its HTTP proxy listens on ('' = not assigned yet).
   */
  'serviceAddress': (string);
  'serviceAddressIpv6': (string);
}
