// Original file: proto/wicket.proto

import type { FlowView as _wicket_v1_FlowView, FlowView__Output as _wicket_v1_FlowView__Output } from '../../wicket/v1/FlowView.js';
import type { DeniedView as _wicket_v1_DeniedView, DeniedView__Output as _wicket_v1_DeniedView__Output } from '../../wicket/v1/DeniedView.js';

export interface ListFlowsResponse {
  'flows'?: (_wicket_v1_FlowView)[];
  'denied'?: (_wicket_v1_DeniedView)[];
}

export interface ListFlowsResponse__Output {
  'flows': (_wicket_v1_FlowView__Output)[];
  'denied': (_wicket_v1_DeniedView__Output)[];
}
