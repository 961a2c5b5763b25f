// Original file: proto/wicket.proto


export interface GatewayHello {
  /**
   * The gateway's WireGuard public key (clients peer with it).
   */
  'publicKey'?: (string);
  /**
   * Where clients reach the gateway's WireGuard port, "HOST:PORT".
   */
  'endpoint'?: (string);
  'agentVersion'?: (string);
}

export interface GatewayHello__Output {
  /**
   * The gateway's WireGuard public key (clients peer with it).
   */
  'publicKey': (string);
  /**
   * Where clients reach the gateway's WireGuard port, "HOST:PORT".
   */
  'endpoint': (string);
  'agentVersion': (string);
}
