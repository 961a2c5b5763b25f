// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface ListAuditRequest {
  /**
   * Only records with id > after_id.
   */
  'afterId'?: (number | string | Long);
  /**
   * At most this many, newest last (0 = 1000).
   */
  'limit'?: (number);
  /**
   * Filter by action prefix ("login.", "session.").
   */
  'actionPrefix'?: (string);
  /**
   * The newest `limit` records instead of the oldest, newest first (a log read backwards:
   * the console's audit page).
   */
  'newestFirst'?: (boolean);
  /**
   * Only records with id < before_id (0 = no bound).
   */
  'beforeId'?: (number | string | Long);
}

export interface ListAuditRequest__Output {
  /**
   * Only records with id > after_id.
   */
  'afterId': (number);
  /**
   * At most this many, newest last (0 = 1000).
   */
  'limit': (number);
  /**
   * Filter by action prefix ("login.", "session.").
   */
  'actionPrefix': (string);
  /**
   * The newest `limit` records instead of the oldest, newest first (a log read backwards:
   * the console's audit page).
   */
  'newestFirst': (boolean);
  /**
   * Only records with id < before_id (0 = no bound).
   */
  'beforeId': (number);
}
