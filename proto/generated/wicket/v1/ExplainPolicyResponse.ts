// Original file: proto/wicket.proto

import type { GrantDecision as _wicket_v1_GrantDecision, GrantDecision__Output as _wicket_v1_GrantDecision__Output } from '../../wicket/v1/GrantDecision.js';
import type { Entitlement as _wicket_v1_Entitlement, Entitlement__Output as _wicket_v1_Entitlement__Output } from '../../wicket/v1/Entitlement.js';
import type { Denial as _wicket_v1_Denial, Denial__Output as _wicket_v1_Denial__Output } from '../../wicket/v1/Denial.js';
import type { Long } from '@grpc/proto-loader';

export interface ExplainPolicyResponse {
  'allowed'?: (boolean);
  /**
   * One sentence summary.
   */
  'summary'?: (string);
  /**
   * Every grant that mentions the resource, and how it was decided.
   */
  'grants'?: (_wicket_v1_GrantDecision)[];
  'entitlements'?: (_wicket_v1_Entitlement)[];
  'denial'?: (_wicket_v1_Denial | null);
  'policyVersion'?: (number | string | Long);
}

export interface ExplainPolicyResponse__Output {
  'allowed': (boolean);
  /**
   * One sentence summary.
   */
  'summary': (string);
  /**
   * Every grant that mentions the resource, and how it was decided.
   */
  'grants': (_wicket_v1_GrantDecision__Output)[];
  'entitlements': (_wicket_v1_Entitlement__Output)[];
  'denial': (_wicket_v1_Denial__Output | null);
  'policyVersion': (number);
}
