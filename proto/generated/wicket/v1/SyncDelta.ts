// Original file: proto/wicket.proto

import type { GatewaySession as _wicket_v1_GatewaySession, GatewaySession__Output as _wicket_v1_GatewaySession__Output } from '../../wicket/v1/GatewaySession.js';
import type { GatewayConfig as _wicket_v1_GatewayConfig, GatewayConfig__Output as _wicket_v1_GatewayConfig__Output } from '../../wicket/v1/GatewayConfig.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Changes since `version - 1`. A session in `upserts` replaces any earlier state of the
 * same id entirely (peer and rules). `config`, when set, replaces the gateway's configuration.
 */
export interface SyncDelta {
  'version'?: (number | string | Long);
  'upserts'?: (_wicket_v1_GatewaySession)[];
  'removes'?: (string)[];
  'config'?: (_wicket_v1_GatewayConfig | null);
}

/**
 * Changes since `version - 1`. A session in `upserts` replaces any earlier state of the
 * same id entirely (peer and rules). `config`, when set, replaces the gateway's configuration.
 */
export interface SyncDelta__Output {
  'version': (number);
  'upserts': (_wicket_v1_GatewaySession__Output)[];
  'removes': (string)[];
  'config': (_wicket_v1_GatewayConfig__Output | null);
}
