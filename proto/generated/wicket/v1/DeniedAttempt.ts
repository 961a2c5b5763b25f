// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface DeniedAttempt {
  'sessionId'?: (string);
  /**
   * The overlay source address (the session may be unknown when the address is spoofed).
   */
  'source'?: (string);
  'destination'?: (string);
  'protocol'?: (string);
  'port'?: (number);
  'count'?: (number | string | Long);
  'firstSeenMs'?: (number | string | Long);
  'lastSeenMs'?: (number | string | Long);
}

export interface DeniedAttempt__Output {
  'sessionId': (string);
  /**
   * The overlay source address (the session may be unknown when the address is spoofed).
   */
  'source': (string);
  'destination': (string);
  'protocol': (string);
  'port': (number);
  'count': (number);
  'firstSeenMs': (number);
  'lastSeenMs': (number);
}
