// Original file: proto/wicket.proto


export interface BlockDeviceRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface BlockDeviceRequest__Output {
  'id': (string);
  'reason': (string);
}
