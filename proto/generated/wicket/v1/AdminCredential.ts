// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface AdminCredential {
  'serial'?: (string);
  'name'?: (string);
  'issuedAtMs'?: (number | string | Long);
  'notAfterMs'?: (number | string | Long);
  /**
   * 0 while valid.
   */
  'revokedAtMs'?: (number | string | Long);
}

export interface AdminCredential__Output {
  'serial': (string);
  'name': (string);
  'issuedAtMs': (number);
  'notAfterMs': (number);
  /**
   * 0 while valid.
   */
  'revokedAtMs': (number);
}
