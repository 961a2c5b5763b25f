// Original file: proto/wicket.proto


export interface PollSsoLoginRequest {
  'loginId'?: (string);
}

export interface PollSsoLoginRequest__Output {
  'loginId': (string);
}
