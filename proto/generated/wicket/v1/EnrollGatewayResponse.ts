// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface EnrollGatewayResponse {
  'certificatePem'?: (string);
  'caPem'?: (string);
  /**
   * The gateway name the token was issued for; the certificate names it.
   */
  'gatewayName'?: (string);
  'expiresAtMs'?: (number | string | Long);
}

export interface EnrollGatewayResponse__Output {
  'certificatePem': (string);
  'caPem': (string);
  /**
   * The gateway name the token was issued for; the certificate names it.
   */
  'gatewayName': (string);
  'expiresAtMs': (number);
}
