// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface StartSsoLoginResponse {
  /**
   * Opaque handle of this login for PollSsoLogin (it is useless without the device key).
   */
  'loginId'?: (string);
  /**
   * The provider's name (as configured on the controller).
   */
  'provider'?: (string);
  /**
   * Where the user goes, and the code they enter there; the complete URI has the code in it.
   */
  'verificationUri'?: (string);
  'verificationUriComplete'?: (string);
  'userCode'?: (string);
  /**
   * When this login attempt expires, and how often to poll (seconds).
   */
  'expiresAtMs'?: (number | string | Long);
  'intervalSeconds'?: (number);
}

export interface StartSsoLoginResponse__Output {
  /**
   * Opaque handle of this login for PollSsoLogin (it is useless without the device key).
   */
  'loginId': (string);
  /**
   * The provider's name (as configured on the controller).
   */
  'provider': (string);
  /**
   * Where the user goes, and the code they enter there; the complete URI has the code in it.
   */
  'verificationUri': (string);
  'verificationUriComplete': (string);
  'userCode': (string);
  /**
   * When this login attempt expires, and how often to poll (seconds).
   */
  'expiresAtMs': (number);
  'intervalSeconds': (number);
}
