// Original file: proto/wicket.proto

import type { FlowRecord as _wicket_v1_FlowRecord, FlowRecord__Output as _wicket_v1_FlowRecord__Output } from '../../wicket/v1/FlowRecord.js';

export interface FlowView {
  'flow'?: (_wicket_v1_FlowRecord | null);
  'username'?: (string);
  'deviceId'?: (string);
  'gateway'?: (string);
}

export interface FlowView__Output {
  'flow': (_wicket_v1_FlowRecord__Output | null);
  'username': (string);
  'deviceId': (string);
  'gateway': (string);
}
