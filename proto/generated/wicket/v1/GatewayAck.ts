// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface GatewayAck {
  'gateway'?: (string);
  /**
   * The sync version that carried the session's latest change to this gateway.
   */
  'version'?: (number | string | Long);
  /**
   * When the gateway acknowledged a version >= `version` (0 while pending).
   */
  'ackedAtMs'?: (number | string | Long);
}

export interface GatewayAck__Output {
  'gateway': (string);
  /**
   * The sync version that carried the session's latest change to this gateway.
   */
  'version': (number);
  /**
   * When the gateway acknowledged a version >= `version` (0 while pending).
   */
  'ackedAtMs': (number);
}
