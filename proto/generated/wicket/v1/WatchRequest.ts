// Original file: proto/wicket.proto


export interface WatchRequest {
  'sessionId'?: (string);
}

export interface WatchRequest__Output {
  'sessionId': (string);
}
