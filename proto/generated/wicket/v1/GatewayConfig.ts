// Original file: proto/wicket.proto

import type { HttpResource as _wicket_v1_HttpResource, HttpResource__Output as _wicket_v1_HttpResource__Output } from '../../wicket/v1/HttpResource.js';
import type { SigningKey as _wicket_v1_SigningKey, SigningKey__Output as _wicket_v1_SigningKey__Output } from '../../wicket/v1/SigningKey.js';

/**
 * What a gateway serves besides its sessions' packets: the HTTP resources its proxy fronts,
 * on its overlay service address, and the key it signs identity assertions with.
 */
export interface GatewayConfig {
  /**
   * The gateway's address inside the overlay, reachable only through the tunnel; its proxy
   * listens there on tcp/80. Empty until the controller has assigned one.
   */
  'serviceAddress'?: (string);
  'httpResources'?: (_wicket_v1_HttpResource)[];
  /**
   * Signs X-Wicket-Assertion; the controller publishes its public half in its JWKS.
   */
  'signingKey'?: (_wicket_v1_SigningKey | null);
  /**
   * The assertions' `iss`.
   */
  'issuer'?: (string);
  /**
   * The controller's own public keys (a JWKS document, JSON): they sign the sign-in tickets a
   * browser brings to a public resource.
   */
  'controllerJwks'?: (string);
  /**
   * Where a browser without the tunnel signs in for a public resource (the controller's
   * console listener); empty when the controller has none.
   */
  'signInUrl'?: (string);
  /**
   * The gateway's IPv6 overlay service address (from the controller's ULA prefix).
   */
  'serviceAddressIpv6'?: (string);
}

/**
 * What a gateway serves besides its sessions' packets: the HTTP resources its proxy fronts,
 * on its overlay service address, and the key it signs identity assertions with.
 */
export interface GatewayConfig__Output {
  /**
   * The gateway's address inside the overlay, reachable only through the tunnel; its proxy
   * listens there on tcp/80. Empty until the controller has assigned one.
   */
  'serviceAddress': (string);
  'httpResources': (_wicket_v1_HttpResource__Output)[];
  /**
   * Signs X-Wicket-Assertion; the controller publishes its public half in its JWKS.
   */
  'signingKey': (_wicket_v1_SigningKey__Output | null);
  /**
   * The assertions' `iss`.
   */
  'issuer': (string);
  /**
   * The controller's own public keys (a JWKS document, JSON): they sign the sign-in tickets a
   * browser brings to a public resource.
   */
  'controllerJwks': (string);
  /**
   * Where a browser without the tunnel signs in for a public resource (the controller's
   * console listener); empty when the controller has none.
   */
  'signInUrl': (string);
  /**
   * The gateway's IPv6 overlay service address (from the controller's ULA prefix).
   */
  'serviceAddressIpv6': (string);
}
