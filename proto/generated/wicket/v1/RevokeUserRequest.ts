// Original file: proto/wicket.proto


export interface RevokeUserRequest {
  'name'?: (string);
}

export interface RevokeUserRequest__Output {
  'name': (string);
}
