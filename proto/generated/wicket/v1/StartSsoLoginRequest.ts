// Original file: proto/wicket.proto


/**
 * --- Single sign-on messages --------------------------------------------------------------
 */
export interface StartSsoLoginRequest {
  /**
   * The provider's configured name; empty = the only configured provider (at most 64 characters).
   */
  'provider'?: (string);
  /**
   * PKCS#10 CSR (PEM, at most 8 KiB) from the device's persistent key, as in LoginRequest.
   */
  'csrPem'?: (string);
  /**
   * Free-form device name shown to admins (at most 64 characters).
   */
  'deviceName'?: (string);
}

/**
 * --- Single sign-on messages --------------------------------------------------------------
 */
export interface StartSsoLoginRequest__Output {
  /**
   * The provider's configured name; empty = the only configured provider (at most 64 characters).
   */
  'provider': (string);
  /**
   * PKCS#10 CSR (PEM, at most 8 KiB) from the device's persistent key, as in LoginRequest.
   */
  'csrPem': (string);
  /**
   * Free-form device name shown to admins (at most 64 characters).
   */
  'deviceName': (string);
}
