// Verifying the controller's sign-in tickets. A ticket is an ES256 JWT from the controller's
// own key (its public half comes in the Sync config as a JWKS), typed `wicket-ticket`, for
// one hostname (aud), living a minute. Each is accepted once: a ticket seen in a log or a
// browser history cannot be replayed while it is still fresh.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { accessClaimsSchema, TICKET_LIFETIME_S, TICKET_TYPE, type AccessClaims } from '../../common/access-claims.js';

export class TicketVerifier {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private issuer = '';
  /** jti -> when it may be forgotten (in s; the ticket has expired by then). */
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes the controller's JWKS (JSON) and issuer from a new Sync config. */
  configure(jwksJson: string, issuer: string): void {
    this.issuer = issuer;
    this.keys = jwksJson ? createLocalJWKSet(JSON.parse(jwksJson) as JSONWebKeySet) : undefined;
  }

  /** The claims of a valid, fresh, unused ticket for `hostname`; throws with the reason otherwise. */
  async verify(ticket: string, hostname: string): Promise<AccessClaims> {
    if (!this.keys) throw new Error('the gateway has no controller keys yet');
    const nowS = Math.floor(this.now() / 1000);
    const { payload } = await jwtVerify(ticket, this.keys, {
      algorithms: ['ES256'], issuer: this.issuer, audience: hostname, typ: TICKET_TYPE, maxTokenAge: TICKET_LIFETIME_S + 5, currentDate: new Date(nowS * 1000),
    });
    const claims = accessClaimsSchema.parse(payload);
    if (typeof payload.jti !== 'string' || payload.jti.length < 16 || payload.jti.length > 64) throw new Error('the ticket has no id');
    this.forgetExpired(nowS);
    if (this.used.has(payload.jti)) throw new Error('the ticket was used already');
    this.used.set(payload.jti, (payload.exp ?? nowS + TICKET_LIFETIME_S) + 5);
    return claims;
  }

  private forgetExpired(nowS: number): void {
    // Insertion order is (nearly) expiry order: stop at the first one still live.
    for (const [jti, until] of this.used) {
      if (until > nowS) break;
      this.used.delete(jti);
    }
  }
}
