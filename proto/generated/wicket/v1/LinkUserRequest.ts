// Original file: proto/wicket.proto


export interface LinkUserRequest {
  'name'?: (string);
  /**
   * A configured identity provider's name.
   */
  'provider'?: (string);
  /**
   * The provider's `sub` for this person.
   */
  'subject'?: (string);
}

export interface LinkUserRequest__Output {
  'name': (string);
  /**
   * A configured identity provider's name.
   */
  'provider': (string);
  /**
   * The provider's `sub` for this person.
   */
  'subject': (string);
}
