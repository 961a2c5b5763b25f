// Original file: proto/wicket.proto

import type { Session as _wicket_v1_Session, Session__Output as _wicket_v1_Session__Output } from '../../wicket/v1/Session.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponse {
  'session'?: (_wicket_v1_Session | null);
  /**
   * Send the next heartbeat within this many milliseconds.
   */
  'intervalMs'?: (number | string | Long);
}

export interface HeartbeatResponse__Output {
  'session': (_wicket_v1_Session__Output | null);
  /**
   * Send the next heartbeat within this many milliseconds.
   */
  'intervalMs': (number);
}
