// Original file: proto/wicket.proto

import type { PolicyVersion as _wicket_v1_PolicyVersion, PolicyVersion__Output as _wicket_v1_PolicyVersion__Output } from '../../wicket/v1/PolicyVersion.js';

export interface PolicyHistoryResponse {
  /**
   * Newest first; `yaml` is left empty here.
   */
  'versions'?: (_wicket_v1_PolicyVersion)[];
}

export interface PolicyHistoryResponse__Output {
  /**
   * Newest first; `yaml` is left empty here.
   */
  'versions': (_wicket_v1_PolicyVersion__Output)[];
}
