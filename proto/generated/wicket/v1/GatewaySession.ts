// Original file: proto/wicket.proto

import type { GatewayRule as _wicket_v1_GatewayRule, GatewayRule__Output as _wicket_v1_GatewayRule__Output } from '../../wicket/v1/GatewayRule.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One session as a gateway enforces it.
 */
export interface GatewaySession {
  'id'?: (string);
  'overlayAddress'?: (string);
  'wgPublicKey'?: (string);
  /**
   * This (session, gateway) pair's preshared key. Secret: never logged.
   */
  'presharedKey'?: (string);
  'expiresAtMs'?: (number | string | Long);
  'rules'?: (_wicket_v1_GatewayRule)[];
  /**
   * For telemetry attribution and logs.
   */
  'username'?: (string);
  'deviceId'?: (string);
}

/**
 * One session as a gateway enforces it.
 */
export interface GatewaySession__Output {
  'id': (string);
  'overlayAddress': (string);
  'wgPublicKey': (string);
  /**
   * This (session, gateway) pair's preshared key. Secret: never logged.
   */
  'presharedKey': (string);
  'expiresAtMs': (number);
  'rules': (_wicket_v1_GatewayRule__Output)[];
  /**
   * For telemetry attribution and logs.
   */
  'username': (string);
  'deviceId': (string);
}
