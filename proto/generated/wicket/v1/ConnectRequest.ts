// Original file: proto/wicket.proto

import type { Posture as _wicket_v1_Posture, Posture__Output as _wicket_v1_Posture__Output } from '../../wicket/v1/Posture.js';
import type { Long } from '@grpc/proto-loader';

export interface ConnectRequest {
  /**
   * The fresh WireGuard public key of this session (the private key stays on the device).
   */
  'wgPublicKey'?: (string);
  'posture'?: (_wicket_v1_Posture | null);
  /**
   * How long the client waits for gateway acks before giving up (0 = server default).
   */
  'ackTimeoutMs'?: (number | string | Long);
}

export interface ConnectRequest__Output {
  /**
   * The fresh WireGuard public key of this session (the private key stays on the device).
   */
  'wgPublicKey': (string);
  'posture': (_wicket_v1_Posture__Output | null);
  /**
   * How long the client waits for gateway acks before giving up (0 = server default).
   */
  'ackTimeoutMs': (number);
}
