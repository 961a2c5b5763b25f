// Original file: proto/wicket.proto

import type { Session as _wicket_v1_Session, Session__Output as _wicket_v1_Session__Output } from '../../wicket/v1/Session.js';
import type { ClientGatewayPeer as _wicket_v1_ClientGatewayPeer, ClientGatewayPeer__Output as _wicket_v1_ClientGatewayPeer__Output } from '../../wicket/v1/ClientGatewayPeer.js';
import type { Denial as _wicket_v1_Denial, Denial__Output as _wicket_v1_Denial__Output } from '../../wicket/v1/Denial.js';

export interface ConnectResponse {
  'session'?: (_wicket_v1_Session | null);
  /**
   * One entry per gateway the session uses: how to reach it and what to route to it.
   */
  'gateways'?: (_wicket_v1_ClientGatewayPeer)[];
  /**
   * Resources the policy denies, with the reason (for the user's information).
   */
  'denials'?: (_wicket_v1_Denial)[];
}

export interface ConnectResponse__Output {
  'session': (_wicket_v1_Session__Output | null);
  /**
   * One entry per gateway the session uses: how to reach it and what to route to it.
   */
  'gateways': (_wicket_v1_ClientGatewayPeer__Output)[];
  /**
   * Resources the policy denies, with the reason (for the user's information).
   */
  'denials': (_wicket_v1_Denial__Output)[];
}
