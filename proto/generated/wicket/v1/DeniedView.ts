// Original file: proto/wicket.proto

import type { DeniedAttempt as _wicket_v1_DeniedAttempt, DeniedAttempt__Output as _wicket_v1_DeniedAttempt__Output } from '../../wicket/v1/DeniedAttempt.js';

export interface DeniedView {
  'attempt'?: (_wicket_v1_DeniedAttempt | null);
  'username'?: (string);
  'deviceId'?: (string);
  'gateway'?: (string);
}

export interface DeniedView__Output {
  'attempt': (_wicket_v1_DeniedAttempt__Output | null);
  'username': (string);
  'deviceId': (string);
  'gateway': (string);
}
