// Original file: proto/wicket.proto


export interface WatchSessionRequest {
  'id'?: (string);
}

export interface WatchSessionRequest__Output {
  'id': (string);
}
