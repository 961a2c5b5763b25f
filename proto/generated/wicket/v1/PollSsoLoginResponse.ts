// Original file: proto/wicket.proto

import type { LoginResponse as _wicket_v1_LoginResponse, LoginResponse__Output as _wicket_v1_LoginResponse__Output } from '../../wicket/v1/LoginResponse.js';

export interface PollSsoLoginResponse {
  /**
   * True while the user has not finished at the provider: poll again after interval_seconds.
   */
  'pending'?: (boolean);
  'intervalSeconds'?: (number);
  /**
   * Set when the login succeeded.
   */
  'login'?: (_wicket_v1_LoginResponse | null);
}

export interface PollSsoLoginResponse__Output {
  /**
   * True while the user has not finished at the provider: poll again after interval_seconds.
   */
  'pending': (boolean);
  'intervalSeconds': (number);
  /**
   * Set when the login succeeded.
   */
  'login': (_wicket_v1_LoginResponse__Output | null);
}
