// Original file: proto/wicket.proto


/**
 * Sessions newest first (created_at_ms, then id, descending: stable for pagination). Every
 * filter that is set must match.
 */
export interface ListSessionsRequest {
  /**
   * Include ended sessions too.
   */
  'all'?: (boolean);
  'user'?: (string);
  'deviceId'?: (string);
  /**
   * Sessions that have (or had) a peer on this gateway.
   */
  'gateway'?: (string);
  /**
   * At most this many (0 = no limit; at most 10,000 of all sessions with `all`).
   */
  'limit'?: (number);
  /**
   * Skip this many matching sessions first.
   */
  'offset'?: (number);
  /**
   * Just this session, whatever its state.
   */
  'id'?: (string);
}

/**
 * Sessions newest first (created_at_ms, then id, descending: stable for pagination). Every
 * filter that is set must match.
 */
export interface ListSessionsRequest__Output {
  /**
   * Include ended sessions too.
   */
  'all': (boolean);
  'user': (string);
  'deviceId': (string);
  /**
   * Sessions that have (or had) a peer on this gateway.
   */
  'gateway': (string);
  /**
   * At most this many (0 = no limit; at most 10,000 of all sessions with `all`).
   */
  'limit': (number);
  /**
   * Skip this many matching sessions first.
   */
  'offset': (number);
  /**
   * Just this session, whatever its state.
   */
  'id': (string);
}
