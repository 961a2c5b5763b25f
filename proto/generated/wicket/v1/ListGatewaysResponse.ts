// Original file: proto/wicket.proto

import type { GatewayStatus as _wicket_v1_GatewayStatus, GatewayStatus__Output as _wicket_v1_GatewayStatus__Output } from '../../wicket/v1/GatewayStatus.js';

export interface ListGatewaysResponse {
  'gateways'?: (_wicket_v1_GatewayStatus)[];
}

export interface ListGatewaysResponse__Output {
  'gateways': (_wicket_v1_GatewayStatus__Output)[];
}
