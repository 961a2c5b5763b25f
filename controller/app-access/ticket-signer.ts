// Signs sign-in tickets with the controller's own current assertion key (ES256, its kid
// published in the JWKS and sent to gateways as GatewayConfig.controller_jwks), typed
// `wicket-ticket` so that no other token the controller or a gateway signs can pass for one.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { TICKET_TYPE, type AccessClaims } from '../../common/access-claims.js';
import type { TicketSigner } from './tickets.js';

export interface TicketKeys {
  /** The controller's current key (kid and PKCS#8 PEM). */
  signingKey(): Promise<{ kid: string; privatePem: string }>;
  issuer(): string;
  now(): number;
}

export function ticketSigner(keys: TicketKeys): TicketSigner {
  // The key object of the current kid, parsed once per rotation.
  let cached: { kid: string; key: KeyObject } | undefined;
  return async (claims: AccessClaims & { jti: string }, audience: string, lifetimeS: number) => {
    const { kid, privatePem } = await keys.signingKey();
    if (cached?.kid !== kid) cached = { kid, key: createPrivateKey(privatePem) };
    const nowS = Math.floor(keys.now() / 1000);
    return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid, typ: TICKET_TYPE })
      .setIssuer(keys.issuer()).setAudience(audience).setIssuedAt(nowS).setExpirationTime(nowS + lifetimeS).sign(cached.key);
  };
}
