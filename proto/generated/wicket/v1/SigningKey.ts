// Original file: proto/wicket.proto


/**
 * An ES256 private key. Secret: never logged.
 */
export interface SigningKey {
  'kid'?: (string);
  /**
   * PKCS#8 PEM.
   */
  'privateKeyPem'?: (string);
}

/**
 * An ES256 private key. Secret: never logged.
 */
export interface SigningKey__Output {
  'kid': (string);
  /**
   * PKCS#8 PEM.
   */
  'privateKeyPem': (string);
}
