// Original file: proto/wicket.proto


export interface ClientGatewayPeer {
  'gateway'?: (string);
  /**
   * Where the gateway's WireGuard listens, "HOST:PORT".
   */
  'endpoint'?: (string);
  'publicKey'?: (string);
  /**
   * The preshared key for this (session, gateway) pair. Secret: never logged.
   */
  'presharedKey'?: (string);
  /**
   * The destinations to route to this gateway (split tunnel): CIDRs of entitled resources.
   */
  'allowedIps'?: (string)[];
}

export interface ClientGatewayPeer__Output {
  'gateway': (string);
  /**
   * Where the gateway's WireGuard listens, "HOST:PORT".
   */
  'endpoint': (string);
  'publicKey': (string);
  /**
   * The preshared key for this (session, gateway) pair. Secret: never logged.
   */
  'presharedKey': (string);
  /**
   * The destinations to route to this gateway (split tunnel): CIDRs of entitled resources.
   */
  'allowedIps': (string)[];
}
