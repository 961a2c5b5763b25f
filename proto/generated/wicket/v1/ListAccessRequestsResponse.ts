// Original file: proto/wicket.proto

import type { AccessRequest as _wicket_v1_AccessRequest, AccessRequest__Output as _wicket_v1_AccessRequest__Output } from '../../wicket/v1/AccessRequest.js';

export interface ListAccessRequestsResponse {
  'requests'?: (_wicket_v1_AccessRequest)[];
}

export interface ListAccessRequestsResponse__Output {
  'requests': (_wicket_v1_AccessRequest__Output)[];
}
