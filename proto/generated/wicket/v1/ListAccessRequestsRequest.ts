// Original file: proto/wicket.proto


export interface ListAccessRequestsRequest {
  /**
   * Only pending requests.
   */
  'pending'?: (boolean);
  /**
   * Only this requester (empty = everyone).
   */
  'user'?: (string);
}

export interface ListAccessRequestsRequest__Output {
  /**
   * Only pending requests.
   */
  'pending': (boolean);
  /**
   * Only this requester (empty = everyone).
   */
  'user': (string);
}
