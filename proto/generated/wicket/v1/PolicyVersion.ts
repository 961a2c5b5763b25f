// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface PolicyVersion {
  'version'?: (number | string | Long);
  'yaml'?: (string);
  'author'?: (string);
  'appliedAtMs'?: (number | string | Long);
  /**
   * SHA-256 of the YAML text, hex.
   */
  'sha256'?: (string);
}

export interface PolicyVersion__Output {
  'version': (number);
  'yaml': (string);
  'author': (string);
  'appliedAtMs': (number);
  /**
   * SHA-256 of the YAML text, hex.
   */
  'sha256': (string);
}
