// Original file: proto/wicket.proto


export interface AddUserRequest {
  'name'?: (string);
  /**
   * Directory groups (each 1-64 characters, same alphabet as names).
   */
  'groups'?: (string)[];
  /**
   * Optional initial password (at most 1024 bytes); without one the user cannot log in
   * with a password.
   */
  'password'?: (string);
  'admin'?: (boolean);
}

export interface AddUserRequest__Output {
  'name': (string);
  /**
   * Directory groups (each 1-64 characters, same alphabet as names).
   */
  'groups': (string)[];
  /**
   * Optional initial password (at most 1024 bytes); without one the user cannot log in
   * with a password.
   */
  'password': (string);
  'admin': (boolean);
}
