// Original file: proto/wicket.proto


export interface RevokeSessionRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface RevokeSessionRequest__Output {
  'id': (string);
  'reason': (string);
}
