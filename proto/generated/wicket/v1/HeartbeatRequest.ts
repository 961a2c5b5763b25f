// Original file: proto/wicket.proto

import type { Posture as _wicket_v1_Posture, Posture__Output as _wicket_v1_Posture__Output } from '../../wicket/v1/Posture.js';

export interface HeartbeatRequest {
  'sessionId'?: (string);
  'posture'?: (_wicket_v1_Posture | null);
}

export interface HeartbeatRequest__Output {
  'sessionId': (string);
  'posture': (_wicket_v1_Posture__Output | null);
}
