// Original file: proto/wicket.proto


export interface LoginRequest {
  /**
   * Wicket user name (1-64 characters: letters, digits, '.', '_', '-', '@').
   */
  'username'?: (string);
  /**
   * The user's password (1-1024 bytes). Never logged.
   */
  'password'?: (string);
  /**
   * The current RFC 6238 code (6 digits). A code is accepted once.
   */
  'totpCode'?: (string);
  /**
   * PKCS#10 CSR (PEM, at most 8 KiB) made from the device's persistent key. The controller
   * derives the device id from the CSR's public key; the subject is ignored.
   */
  'csrPem'?: (string);
  /**
   * Free-form device name shown to admins (at most 64 characters), e.g. the hostname.
   */
  'deviceName'?: (string);
}

export interface LoginRequest__Output {
  /**
   * Wicket user name (1-64 characters: letters, digits, '.', '_', '-', '@').
   */
  'username': (string);
  /**
   * The user's password (1-1024 bytes). Never logged.
   */
  'password': (string);
  /**
   * The current RFC 6238 code (6 digits). A code is accepted once.
   */
  'totpCode': (string);
  /**
   * PKCS#10 CSR (PEM, at most 8 KiB) made from the device's persistent key. The controller
   * derives the device id from the CSR's public key; the subject is ignored.
   */
  'csrPem': (string);
  /**
   * Free-form device name shown to admins (at most 64 characters), e.g. the hostname.
   */
  'deviceName': (string);
}
