// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface GatewayHello {
  /**
   * The gateway's WireGuard public key (clients peer with it).
   */
  'publicKey'?: (string);
  /**
   * Where clients reach the gateway's WireGuard port, "HOST:PORT".
   */
  'endpoint'?: (string);
  'agentVersion'?: (string);
  /**
   * The newest Sync version this gateway process applied (on an earlier stream); 0 = unknown
   * (a new process, or an apply failed since). The controller resumes with the deltas after
   * it when its change log still holds them, and sends a snapshot otherwise.
   */
  'appliedVersion'?: (number | string | Long);
}

export interface GatewayHello__Output {
  /**
   * The gateway's WireGuard public key (clients peer with it).
   */
  'publicKey': (string);
  /**
   * Where clients reach the gateway's WireGuard port, "HOST:PORT".
   */
  'endpoint': (string);
  'agentVersion': (string);
  /**
   * The newest Sync version this gateway process applied (on an earlier stream); 0 = unknown
   * (a new process, or an apply failed since). The controller resumes with the deltas after
   * it when its change log still holds them, and sends a snapshot otherwise.
   */
  'appliedVersion': (number);
}
