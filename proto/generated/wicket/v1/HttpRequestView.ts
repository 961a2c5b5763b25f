// Original file: proto/wicket.proto

import type { HttpRequestRecord as _wicket_v1_HttpRequestRecord, HttpRequestRecord__Output as _wicket_v1_HttpRequestRecord__Output } from '../../wicket/v1/HttpRequestRecord.js';

export interface HttpRequestView {
  'request'?: (_wicket_v1_HttpRequestRecord | null);
  'gateway'?: (string);
}

export interface HttpRequestView__Output {
  'request': (_wicket_v1_HttpRequestRecord__Output | null);
  'gateway': (string);
}
