// Original file: proto/wicket.proto

import type { PolicyError as _wicket_v1_PolicyError, PolicyError__Output as _wicket_v1_PolicyError__Output } from '../../wicket/v1/PolicyError.js';
import type { PolicyTestResult as _wicket_v1_PolicyTestResult, PolicyTestResult__Output as _wicket_v1_PolicyTestResult__Output } from '../../wicket/v1/PolicyTestResult.js';

export interface PolicyTestResponse {
  'valid'?: (boolean);
  'errors'?: (_wicket_v1_PolicyError)[];
  'tests'?: (_wicket_v1_PolicyTestResult)[];
  /**
   * valid and every test passed.
   */
  'ok'?: (boolean);
}

export interface PolicyTestResponse__Output {
  'valid': (boolean);
  'errors': (_wicket_v1_PolicyError__Output)[];
  'tests': (_wicket_v1_PolicyTestResult__Output)[];
  /**
   * valid and every test passed.
   */
  'ok': (boolean);
}
