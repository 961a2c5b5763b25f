// Original file: proto/wicket.proto


/**
 * An HTTP resource of the policy, as the gateway's proxy fronts it.
 */
export interface HttpResource {
  'name'?: (string);
  /**
   * "http://HOST:PORT" in the resource network.
   */
  'upstream'?: (string);
  'hostname'?: (string);
  /**
   * Also served to browsers without the tunnel (sign-in at the controller).
   */
  'public'?: (boolean);
}

/**
 * An HTTP resource of the policy, as the gateway's proxy fronts it.
 */
export interface HttpResource__Output {
  'name': (string);
  /**
   * "http://HOST:PORT" in the resource network.
   */
  'upstream': (string);
  'hostname': (string);
  /**
   * Also served to browsers without the tunnel (sign-in at the controller).
   */
  'public': (boolean);
}
