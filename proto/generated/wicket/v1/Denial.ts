// Original file: proto/wicket.proto


export interface Denial {
  'resource'?: (string);
  /**
   * Machine-readable reason: "no_grant", "missing_group", "posture", "schedule", "mfa".
   */
  'code'?: (string);
  /**
   * A sentence a person can act on.
   */
  'message'?: (string);
}

export interface Denial__Output {
  'resource': (string);
  /**
   * Machine-readable reason: "no_grant", "missing_group", "posture", "schedule", "mfa".
   */
  'code': (string);
  /**
   * A sentence a person can act on.
   */
  'message': (string);
}
