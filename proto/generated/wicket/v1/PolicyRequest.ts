// Original file: proto/wicket.proto


export interface PolicyRequest {
  /**
   * The policy file's text (YAML, at most 1 MiB).
   */
  'yaml'?: (string);
}

export interface PolicyRequest__Output {
  /**
   * The policy file's text (YAML, at most 1 MiB).
   */
  'yaml': (string);
}
