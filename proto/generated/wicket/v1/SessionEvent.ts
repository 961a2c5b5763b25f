// Original file: proto/wicket.proto

import type { Session as _wicket_v1_Session, Session__Output as _wicket_v1_Session__Output } from '../../wicket/v1/Session.js';
import type { ClientGatewayPeer as _wicket_v1_ClientGatewayPeer, ClientGatewayPeer__Output as _wicket_v1_ClientGatewayPeer__Output } from '../../wicket/v1/ClientGatewayPeer.js';

export interface SessionEvent {
  /**
   * "state" (full current state), "updated", "acked", "revoked", "expired", "expiring".
   */
  'kind'?: (string);
  'session'?: (_wicket_v1_Session | null);
  /**
   * The gateway routes the client should have now (sent with "state" and "updated").
   */
  'gateways'?: (_wicket_v1_ClientGatewayPeer)[];
  /**
   * Human-readable explanation of the event.
   */
  'message'?: (string);
}

export interface SessionEvent__Output {
  /**
   * "state" (full current state), "updated", "acked", "revoked", "expired", "expiring".
   */
  'kind': (string);
  'session': (_wicket_v1_Session__Output | null);
  /**
   * The gateway routes the client should have now (sent with "state" and "updated").
   */
  'gateways': (_wicket_v1_ClientGatewayPeer__Output)[];
  /**
   * Human-readable explanation of the event.
   */
  'message': (string);
}
