// Original file: proto/wicket.proto

import type { FlowView as _wicket_v1_FlowView, FlowView__Output as _wicket_v1_FlowView__Output } from '../../wicket/v1/FlowView.js';
import type { DeniedView as _wicket_v1_DeniedView, DeniedView__Output as _wicket_v1_DeniedView__Output } from '../../wicket/v1/DeniedView.js';
import type { FlowBucket as _wicket_v1_FlowBucket, FlowBucket__Output as _wicket_v1_FlowBucket__Output } from '../../wicket/v1/FlowBucket.js';
import type { HttpRequestView as _wicket_v1_HttpRequestView, HttpRequestView__Output as _wicket_v1_HttpRequestView__Output } from '../../wicket/v1/HttpRequestView.js';

export interface ListFlowsResponse {
  'flows'?: (_wicket_v1_FlowView)[];
  'denied'?: (_wicket_v1_DeniedView)[];
  /**
   * Oldest bucket first; empty unless bucket_ms > 0.
   */
  'histogram'?: (_wicket_v1_FlowBucket)[];
  /**
   * Newest first; empty unless the request set `http`.
   */
  'httpRequests'?: (_wicket_v1_HttpRequestView)[];
}

export interface ListFlowsResponse__Output {
  'flows': (_wicket_v1_FlowView__Output)[];
  'denied': (_wicket_v1_DeniedView__Output)[];
  /**
   * Oldest bucket first; empty unless bucket_ms > 0.
   */
  'histogram': (_wicket_v1_FlowBucket__Output)[];
  /**
   * Newest first; empty unless the request set `http`.
   */
  'httpRequests': (_wicket_v1_HttpRequestView__Output)[];
}
