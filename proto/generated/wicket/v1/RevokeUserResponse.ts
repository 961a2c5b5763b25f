// Original file: proto/wicket.proto


export interface RevokeUserResponse {
  'sessionsRevoked'?: (number);
  'certificatesRevoked'?: (number);
}

export interface RevokeUserResponse__Output {
  'sessionsRevoked': (number);
  'certificatesRevoked': (number);
}
