// Original file: proto/wicket.proto

import type { GatewaySession as _wicket_v1_GatewaySession, GatewaySession__Output as _wicket_v1_GatewaySession__Output } from '../../wicket/v1/GatewaySession.js';
import type { GatewayConfig as _wicket_v1_GatewayConfig, GatewayConfig__Output as _wicket_v1_GatewayConfig__Output } from '../../wicket/v1/GatewayConfig.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The complete set of sessions the gateway must serve at `version`, and its configuration.
 */
export interface SyncSnapshot {
  'version'?: (number | string | Long);
  'sessions'?: (_wicket_v1_GatewaySession)[];
  'config'?: (_wicket_v1_GatewayConfig | null);
}

/**
 * The complete set of sessions the gateway must serve at `version`, and its configuration.
 */
export interface SyncSnapshot__Output {
  'version': (number);
  'sessions': (_wicket_v1_GatewaySession__Output)[];
  'config': (_wicket_v1_GatewayConfig__Output | null);
}
