// Original file: proto/wicket.proto


export interface DenyAccessRequest {
  'id'?: (string);
  /**
   * Why (required, at most 512 characters).
   */
  'reason'?: (string);
}

export interface DenyAccessRequest__Output {
  'id': (string);
  /**
   * Why (required, at most 512 characters).
   */
  'reason': (string);
}
