// Original file: proto/wicket.proto


export interface PolicyError {
  /**
   * 1-based line and column in the YAML (0 when not tied to a place).
   */
  'line'?: (number);
  'column'?: (number);
  /**
   * The path of the offending key, e.g. "grants[1].resources[0]".
   */
  'path'?: (string);
  'message'?: (string);
}

export interface PolicyError__Output {
  /**
   * 1-based line and column in the YAML (0 when not tied to a place).
   */
  'line': (number);
  'column': (number);
  /**
   * The path of the offending key, e.g. "grants[1].resources[0]".
   */
  'path': (string);
  'message': (string);
}
