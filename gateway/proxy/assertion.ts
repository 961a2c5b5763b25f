// X-Wicket-Assertion: the signed identity the upstream receives with every allowed request
// (jose, ES256, `kid` in the controller's JWKS, at most 60 s). Signing per request would be
// the proxy's largest cost, so each (session, resource) assertion is reused while it has more
// than 30 s left; the cache goes with a key change and with each session that changes or ends.
import { SignJWT } from 'jose';
import type { Caller } from './callers.js';
import type { SigningMaterial } from './config.js';

export const ASSERTION_HEADER = 'x-wicket-assertion';
const LIFETIME_S = 60;
const REUSE_MIN_LEFT_MS = 30_000;

interface Cached {
  token: Promise<string>;
  expMs: number;
}

export class AssertionSigner {
  private readonly cache = new Map<string, Map<string, Cached>>();

  constructor(private readonly signing: SigningMaterial, private readonly issuer: string, private readonly now: () => number = Date.now) {}

  /** The assertion for a caller's request to `resource` (`aud`). */
  assertion(caller: Caller, resource: string): Promise<string> {
    const nowMs = this.now();
    let bySession = this.cache.get(caller.sessionId);
    const hit = bySession?.get(resource);
    if (hit && hit.expMs - nowMs > REUSE_MIN_LEFT_MS) return hit.token;
    const iat = Math.floor(nowMs / 1000);
    const token = new SignJWT({ groups: caller.groups, device: caller.deviceId, sid: caller.sessionId })
      .setProtectedHeader({ alg: 'ES256', kid: this.signing.kid, typ: 'JWT' })
      .setIssuer(this.issuer).setAudience(resource).setSubject(caller.user)
      .setIssuedAt(iat).setExpirationTime(iat + LIFETIME_S)
      .sign(this.signing.key);
    if (!bySession) this.cache.set(caller.sessionId, bySession = new Map());
    const entry: Cached = { token, expMs: (iat + LIFETIME_S) * 1000 };
    bySession.set(resource, entry);
    // A failed signature is not kept: the next request tries again.
    token.catch(() => {
      if (bySession.get(resource) === entry) bySession.delete(resource);
    });
    return token;
  }

  /** Forgets a session's assertions (its identity changed or it ended). */
  forget(sessionId: string): void {
    this.cache.delete(sessionId);
  }
}
