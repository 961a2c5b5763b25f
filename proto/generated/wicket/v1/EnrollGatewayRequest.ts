// Original file: proto/wicket.proto


export interface EnrollGatewayRequest {
  /**
   * The join token printed by `wicketctl gateway token` (at most 128 characters).
   */
  'token'?: (string);
  /**
   * PKCS#10 CSR (PEM, at most 8 KiB) from the gateway's locally generated key.
   */
  'csrPem'?: (string);
  /**
   * The gateway's WireGuard public key (base64). It is bound to the certificate: a Sync
   * Hello announcing another key is refused; a new key means enrolling again.
   */
  'wgPublicKey'?: (string);
}

export interface EnrollGatewayRequest__Output {
  /**
   * The join token printed by `wicketctl gateway token` (at most 128 characters).
   */
  'token': (string);
  /**
   * PKCS#10 CSR (PEM, at most 8 KiB) from the gateway's locally generated key.
   */
  'csrPem': (string);
  /**
   * The gateway's WireGuard public key (base64). It is bound to the certificate: a Sync
   * Hello announcing another key is refused; a new key means enrolling again.
   */
  'wgPublicKey': (string);
}
