// Original file: proto/wicket.proto

import type { PolicyTestResponse as _wicket_v1_PolicyTestResponse, PolicyTestResponse__Output as _wicket_v1_PolicyTestResponse__Output } from '../../wicket/v1/PolicyTestResponse.js';
import type { AccessChange as _wicket_v1_AccessChange, AccessChange__Output as _wicket_v1_AccessChange__Output } from '../../wicket/v1/AccessChange.js';
import type { Long } from '@grpc/proto-loader';

export interface PolicyDiffResponse {
  'check'?: (_wicket_v1_PolicyTestResponse | null);
  /**
   * Version compared against (0: no policy applied yet).
   */
  'baseVersion'?: (number | string | Long);
  'changes'?: (_wicket_v1_AccessChange)[];
}

export interface PolicyDiffResponse__Output {
  'check': (_wicket_v1_PolicyTestResponse__Output | null);
  /**
   * Version compared against (0: no policy applied yet).
   */
  'baseVersion': (number);
  'changes': (_wicket_v1_AccessChange__Output)[];
}
