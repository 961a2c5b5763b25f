// Original file: proto/wicket.proto


export interface SetUserDisabledRequest {
  'name'?: (string);
  'disabled'?: (boolean);
}

export interface SetUserDisabledRequest__Output {
  'name': (string);
  'disabled': (boolean);
}
