// Original file: proto/wicket.proto

import type { GatewayRule as _wicket_v1_GatewayRule, GatewayRule__Output as _wicket_v1_GatewayRule__Output } from '../../wicket/v1/GatewayRule.js';
import type { HttpGrant as _wicket_v1_HttpGrant, HttpGrant__Output as _wicket_v1_HttpGrant__Output } from '../../wicket/v1/HttpGrant.js';
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
  /**
   * The user's groups (the identity assertion's `groups` claim).
   */
  'groups'?: (string)[];
  /**
   * What the session may ask of each HTTP resource on this gateway, one per grant.
   */
  'httpGrants'?: (_wicket_v1_HttpGrant)[];
  /**
   * The session's IPv6 overlay address.
   */
  'overlayIpv6'?: (string);
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
  /**
   * The user's groups (the identity assertion's `groups` claim).
   */
  'groups': (string)[];
  /**
   * What the session may ask of each HTTP resource on this gateway, one per grant.
   */
  'httpGrants': (_wicket_v1_HttpGrant__Output)[];
  /**
   * The session's IPv6 overlay address.
   */
  'overlayIpv6': (string);
}
