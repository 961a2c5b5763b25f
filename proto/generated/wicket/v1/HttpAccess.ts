// Original file: proto/wicket.proto


/**
 * Which requests a grant allows of one HTTP resource. Patterns: `*` matches one path
 * segment, `**` any number of them (docs/policy.md).
 */
export interface HttpAccess {
  /**
   * The hostname the resource answers to.
   */
  'hostname'?: (string);
  /**
   * Upper-case methods; empty: every method.
   */
  'methods'?: (string)[];
  /**
   * Path patterns; empty: every path.
   */
  'paths'?: (string)[];
}

/**
 * Which requests a grant allows of one HTTP resource. Patterns: `*` matches one path
 * segment, `**` any number of them (docs/policy.md).
 */
export interface HttpAccess__Output {
  /**
   * The hostname the resource answers to.
   */
  'hostname': (string);
  /**
   * Upper-case methods; empty: every method.
   */
  'methods': (string)[];
  /**
   * Path patterns; empty: every path.
   */
  'paths': (string)[];
}
