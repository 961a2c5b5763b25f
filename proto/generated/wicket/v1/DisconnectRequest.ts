// Original file: proto/wicket.proto


export interface DisconnectRequest {
  'sessionId'?: (string);
}

export interface DisconnectRequest__Output {
  'sessionId': (string);
}
