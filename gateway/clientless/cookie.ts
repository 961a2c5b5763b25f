// The gateway's cookie for a browser without the tunnel: the ticket's claims re-signed with
// the gateway's own key (typed `wicket-access`, so neither an identity assertion nor a
// ticket can pass for one), for one hostname, living minutes. Host-only (`__Host-`), Secure,
// HttpOnly, SameSite=Lax: another hostname never receives it, scripts never read it, and a
// cross-site subrequest does not carry it. When it expires the browser goes back to the
// controller, which decides again.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { accessClaimsSchema, type AccessClaims } from '../../common/access-claims.js';

export const COOKIE_NAME = '__Host-wicket-app';
export const COOKIE_TYPE = 'wicket-access';
/** How long a browser's cookie lasts before it must come back through the controller (by default). */
export const COOKIE_LIFETIME_S = 600;

const MAX_VERIFIED = 10_000;

export interface VerifiedCookie { claims: AccessClaims; expiresAtMs: number }

export interface CookieKey { kid: string; privateKey: KeyObject }

export class AccessCookies {
  private key: CookieKey | undefined;
  private publicKey: KeyObject | undefined;
  private issuer = '';
  /** Verified cookie values and their claims until they expire: one signature check per cookie, not per request. */
  private readonly verified = new Map<string, VerifiedCookie>();

  constructor(private readonly now: () => number = Date.now, private readonly lifetimeS = COOKIE_LIFETIME_S) {}

  /** The gateway's signing key and issuer from a new Sync config (earlier cookies stop verifying). */
  configure(key: CookieKey | undefined, issuer: string): void {
    this.key = key;
    this.publicKey = key && createPublicKey(key.privateKey);
    this.issuer = issuer;
    this.verified.clear();
  }

  /** A cookie value for `hostname` carrying `claims`. */
  async issue(claims: AccessClaims, hostname: string): Promise<{ value: string; maxAgeS: number }> {
    if (!this.key) throw new Error('the gateway has no signing key yet');
    const nowS = Math.floor(this.now() / 1000);
    const value = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: this.key.kid, typ: COOKIE_TYPE })
      .setIssuer(this.issuer).setAudience(hostname).setIssuedAt(nowS).setExpirationTime(nowS + this.lifetimeS).sign(this.key.privateKey);
    return { value, maxAgeS: this.lifetimeS };
  }

  /** The claims of a valid cookie for `hostname` and when it ends, or undefined (missing, forged, expired, another host's). */
  async verify(value: string | undefined, hostname: string): Promise<VerifiedCookie | undefined> {
    if (!value || !this.publicKey) return undefined;
    const known = this.verified.get(`${hostname} ${value}`);
    if (known) {
      if (known.expiresAtMs > this.now()) return known;
      this.verified.delete(`${hostname} ${value}`);
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(value, this.publicKey, {
        algorithms: ['ES256'], issuer: this.issuer, audience: hostname, typ: COOKIE_TYPE, currentDate: new Date(this.now()),
      });
      const verified = { claims: accessClaimsSchema.parse(payload), expiresAtMs: payload.exp! * 1000 };
      if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(`${hostname} ${value}`, verified);
      return verified;
    } catch {
      return undefined;
    }
  }
}
