// Original file: proto/wicket.proto

import type { Entitlement as _wicket_v1_Entitlement, Entitlement__Output as _wicket_v1_Entitlement__Output } from '../../wicket/v1/Entitlement.js';
import type { GatewayAck as _wicket_v1_GatewayAck, GatewayAck__Output as _wicket_v1_GatewayAck__Output } from '../../wicket/v1/GatewayAck.js';
import type { Posture as _wicket_v1_Posture, Posture__Output as _wicket_v1_Posture__Output } from '../../wicket/v1/Posture.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A session as the client and admins see it.
 */
export interface Session {
  'id'?: (string);
  'username'?: (string);
  'deviceId'?: (string);
  /**
   * The session's overlay address (an address from the pool, without prefix length).
   */
  'overlayAddress'?: (string);
  'wgPublicKey'?: (string);
  'createdAtMs'?: (number | string | Long);
  'expiresAtMs'?: (number | string | Long);
  /**
   * "active", "revoked", "expired", "disconnected".
   */
  'state'?: (string);
  /**
   * Why it left "active" ("revoked by admin alice", "user disabled", "policy: grant removed", ...).
   */
  'endReason'?: (string);
  'entitlements'?: (_wicket_v1_Entitlement)[];
  /**
   * Per-gateway delivery: which version carried this session's latest change and whether
   * the gateway has acknowledged it.
   */
  'acks'?: (_wicket_v1_GatewayAck)[];
  /**
   * Live telemetry (zero until the gateway reports).
   */
  'rxBytes'?: (number | string | Long);
  'txBytes'?: (number | string | Long);
  'lastHandshakeMs'?: (number | string | Long);
  'posture'?: (_wicket_v1_Posture | null);
  'deviceName'?: (string);
  /**
   * The session's IPv6 overlay address (from the controller's ULA prefix, without prefix length).
   */
  'overlayIpv6'?: (string);
}

/**
 * A session as the client and admins see it.
 */
export interface Session__Output {
  'id': (string);
  'username': (string);
  'deviceId': (string);
  /**
   * The session's overlay address (an address from the pool, without prefix length).
   */
  'overlayAddress': (string);
  'wgPublicKey': (string);
  'createdAtMs': (number);
  'expiresAtMs': (number);
  /**
   * "active", "revoked", "expired", "disconnected".
   */
  'state': (string);
  /**
   * Why it left "active" ("revoked by admin alice", "user disabled", "policy: grant removed", ...).
   */
  'endReason': (string);
  'entitlements': (_wicket_v1_Entitlement__Output)[];
  /**
   * Per-gateway delivery: which version carried this session's latest change and whether
   * the gateway has acknowledged it.
   */
  'acks': (_wicket_v1_GatewayAck__Output)[];
  /**
   * Live telemetry (zero until the gateway reports).
   */
  'rxBytes': (number);
  'txBytes': (number);
  'lastHandshakeMs': (number);
  'posture': (_wicket_v1_Posture__Output | null);
  'deviceName': (string);
  /**
   * The session's IPv6 overlay address (from the controller's ULA prefix, without prefix length).
   */
  'overlayIpv6': (string);
}
