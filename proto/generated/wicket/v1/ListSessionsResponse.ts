// Original file: proto/wicket.proto

import type { Session as _wicket_v1_Session, Session__Output as _wicket_v1_Session__Output } from '../../wicket/v1/Session.js';

export interface ListSessionsResponse {
  'sessions'?: (_wicket_v1_Session)[];
  /**
   * Sessions matching the filters, before limit and offset.
   */
  'total'?: (number);
}

export interface ListSessionsResponse__Output {
  'sessions': (_wicket_v1_Session__Output)[];
  /**
   * Sessions matching the filters, before limit and offset.
   */
  'total': (number);
}
