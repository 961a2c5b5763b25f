// Original file: proto/wicket.proto


export interface RevokeAccessRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface RevokeAccessRequest__Output {
  'id': (string);
  'reason': (string);
}
