// Original file: proto/wicket.proto

import type { Posture as _wicket_v1_Posture, Posture__Output as _wicket_v1_Posture__Output } from '../../wicket/v1/Posture.js';

export interface ListResourcesRequest {
  /**
   * Evaluate against this posture (defaults to an empty posture).
   */
  'posture'?: (_wicket_v1_Posture | null);
}

export interface ListResourcesRequest__Output {
  /**
   * Evaluate against this posture (defaults to an empty posture).
   */
  'posture': (_wicket_v1_Posture__Output | null);
}
