// Original file: proto/wicket.proto


export interface PolicyTestResult {
  /**
   * "alice: allow wiki:tcp/443" etc.
   */
  'name'?: (string);
  'passed'?: (boolean);
  /**
   * Why a failed expectation failed (the decision's reason).
   */
  'message'?: (string);
  'line'?: (number);
}

export interface PolicyTestResult__Output {
  /**
   * "alice: allow wiki:tcp/443" etc.
   */
  'name': (string);
  'passed': (boolean);
  /**
   * Why a failed expectation failed (the decision's reason).
   */
  'message': (string);
  'line': (number);
}
