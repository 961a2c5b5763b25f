// Original file: proto/wicket.proto


export interface RevokeAdminCredentialRequest {
  'serial'?: (string);
}

export interface RevokeAdminCredentialRequest__Output {
  'serial': (string);
}
