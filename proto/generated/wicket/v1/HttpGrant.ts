// Original file: proto/wicket.proto

import type { HttpAccess as _wicket_v1_HttpAccess, HttpAccess__Output as _wicket_v1_HttpAccess__Output } from '../../wicket/v1/HttpAccess.js';
import type { Long } from '@grpc/proto-loader';

export interface HttpGrant {
  'resource'?: (string);
  'grant'?: (string);
  'access'?: (_wicket_v1_HttpAccess | null);
  'expiresAtMs'?: (number | string | Long);
}

export interface HttpGrant__Output {
  'resource': (string);
  'grant': (string);
  'access': (_wicket_v1_HttpAccess__Output | null);
  'expiresAtMs': (number);
}
