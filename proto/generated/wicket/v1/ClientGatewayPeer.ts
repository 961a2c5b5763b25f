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
   * The destinations to route to this gateway (split tunnel): CIDRs of entitled resources
   * whose primary gateway this is, and this gateway's service addresses.
   */
  'allowedIps'?: (string)[];
  /**
   * Destinations this gateway serves as a standby: the client routes them here only while
   * their primary gateway stops answering.
   */
  'standbyIps'?: (string)[];
  /**
   * The gateway's overlay service addresses (IPv4, then IPv6): its DNS service (udp and tcp 53)
   * and the health probe (ICMP echo) answer there, through the tunnel only.
   */
  'serviceAddresses'?: (string)[];
  /**
   * Resource names ("db.corp.internal") and wildcards ("*.corp.internal") this gateway's DNS
   * service answers for this session; addresses it answers are routed to this gateway.
   */
  'dnsNames'?: (string)[];
  /**
   * Whether the gateway holds its Sync stream with the controller now (the controller's view
   * of its health; the client also probes it).
   */
  'connected'?: (boolean);
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
   * The destinations to route to this gateway (split tunnel): CIDRs of entitled resources
   * whose primary gateway this is, and this gateway's service addresses.
   */
  'allowedIps': (string)[];
  /**
   * Destinations this gateway serves as a standby: the client routes them here only while
   * their primary gateway stops answering.
   */
  'standbyIps': (string)[];
  /**
   * The gateway's overlay service addresses (IPv4, then IPv6): its DNS service (udp and tcp 53)
   * and the health probe (ICMP echo) answer there, through the tunnel only.
   */
  'serviceAddresses': (string)[];
  /**
   * Resource names ("db.corp.internal") and wildcards ("*.corp.internal") this gateway's DNS
   * service answers for this session; addresses it answers are routed to this gateway.
   */
  'dnsNames': (string)[];
  /**
   * Whether the gateway holds its Sync stream with the controller now (the controller's view
   * of its health; the client also probes it).
   */
  'connected': (boolean);
}
