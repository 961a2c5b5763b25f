// Original file: proto/wicket.proto

import type { ResourceAccess as _wicket_v1_ResourceAccess, ResourceAccess__Output as _wicket_v1_ResourceAccess__Output } from '../../wicket/v1/ResourceAccess.js';

export interface ListResourcesResponse {
  'resources'?: (_wicket_v1_ResourceAccess)[];
}

export interface ListResourcesResponse__Output {
  'resources': (_wicket_v1_ResourceAccess__Output)[];
}
