// Original file: proto/wicket.proto

import type { PolicyTestResponse as _wicket_v1_PolicyTestResponse, PolicyTestResponse__Output as _wicket_v1_PolicyTestResponse__Output } from '../../wicket/v1/PolicyTestResponse.js';
import type { AccessChange as _wicket_v1_AccessChange, AccessChange__Output as _wicket_v1_AccessChange__Output } from '../../wicket/v1/AccessChange.js';
import type { Long } from '@grpc/proto-loader';

export interface ApplyPolicyResponse {
  'check'?: (_wicket_v1_PolicyTestResponse | null);
  /**
   * The new version (0 when not applied).
   */
  'version'?: (number | string | Long);
  'changes'?: (_wicket_v1_AccessChange)[];
  /**
   * Live sessions whose entitlements changed.
   */
  'sessionsUpdated'?: (number);
}

export interface ApplyPolicyResponse__Output {
  'check': (_wicket_v1_PolicyTestResponse__Output | null);
  /**
   * The new version (0 when not applied).
   */
  'version': (number);
  'changes': (_wicket_v1_AccessChange__Output)[];
  /**
   * Live sessions whose entitlements changed.
   */
  'sessionsUpdated': (number);
}
