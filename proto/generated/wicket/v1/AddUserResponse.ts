// Original file: proto/wicket.proto


export interface AddUserResponse {
  'name'?: (string);
  /**
   * Base32 TOTP secret, shown once, for the user's authenticator app.
   */
  'totpSecret'?: (string);
  /**
   * otpauth:// URI with the same secret, for a QR code.
   */
  'otpauthUri'?: (string);
}

export interface AddUserResponse__Output {
  'name': (string);
  /**
   * Base32 TOTP secret, shown once, for the user's authenticator app.
   */
  'totpSecret': (string);
  /**
   * otpauth:// URI with the same secret, for a QR code.
   */
  'otpauthUri': (string);
}
