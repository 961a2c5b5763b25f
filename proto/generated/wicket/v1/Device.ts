// Original file: proto/wicket.proto

import type { Posture as _wicket_v1_Posture, Posture__Output as _wicket_v1_Posture__Output } from '../../wicket/v1/Posture.js';
import type { Long } from '@grpc/proto-loader';

export interface Device {
  'id'?: (string);
  'username'?: (string);
  'name'?: (string);
  'blocked'?: (boolean);
  'firstSeenMs'?: (number | string | Long);
  'lastSeenMs'?: (number | string | Long);
  'posture'?: (_wicket_v1_Posture | null);
}

export interface Device__Output {
  'id': (string);
  'username': (string);
  'name': (string);
  'blocked': (boolean);
  'firstSeenMs': (number);
  'lastSeenMs': (number);
  'posture': (_wicket_v1_Posture__Output | null);
}
