// Original file: proto/wicket.proto


export interface ListSessionsRequest {
  /**
   * Include ended sessions too.
   */
  'all'?: (boolean);
  'user'?: (string);
}

export interface ListSessionsRequest__Output {
  /**
   * Include ended sessions too.
   */
  'all': (boolean);
  'user': (string);
}
