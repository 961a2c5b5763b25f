// Original file: proto/wicket.proto

import type { GatewayHello as _wicket_v1_GatewayHello, GatewayHello__Output as _wicket_v1_GatewayHello__Output } from '../../wicket/v1/GatewayHello.js';
import type { SyncAck as _wicket_v1_SyncAck, SyncAck__Output as _wicket_v1_SyncAck__Output } from '../../wicket/v1/SyncAck.js';

export interface SyncUp {
  'hello'?: (_wicket_v1_GatewayHello | null);
  'ack'?: (_wicket_v1_SyncAck | null);
  'msg'?: "hello"|"ack";
}

export interface SyncUp__Output {
  'hello'?: (_wicket_v1_GatewayHello__Output | null);
  'ack'?: (_wicket_v1_SyncAck__Output | null);
  'msg'?: "hello"|"ack";
}
