// Sign-in tickets for public HTTP resources: what a signed-in browser may ask of the resource
// answering to a hostname without the tunnel, signed with the controller's own key for the
// gateway to verify. Decided afresh for every ticket from the current policy, the user's
// groups and the browser login's MFA and identity-provider groups; the browser's device must
// still be in good standing.
import { randomBytes } from 'node:crypto';
import { TICKET_LIFETIME_S, type AccessClaims } from '../../common/access-claims.js';
import { EMPTY_POSTURE, type Policy } from '../policy/index.js';
import { decide, loginOf } from '../sessions/decision.js';
import { deviceStandingRefusal } from '../revocation/standing.js';
import type { Store } from '../store/store.js';
import { notFound, permissionDenied, unauthenticated } from '../errors.js';

/** The browser's sign-in: its device certificate and the access session it belongs to. */
export interface BrowserLogin {
  user: string;
  deviceId: string;
  certSerial: string;
  /** The access session (it names the requests' `sid` at the gateway). */
  sessionId: string;
}

/** Signs claims with the controller's own current key (ES256, its kid in the JWKS). */
export type TicketSigner = (claims: AccessClaims & { jti: string }, audience: string, lifetimeS: number) => Promise<string>;

export interface TicketDeps {
  store: Store;
  policy: () => Policy | undefined;
  sign: TicketSigner;
  now: () => number;
}

/** The resource a public hostname (without port) names, if any. */
function publicResource(policy: Policy, hostname: string): string | undefined {
  for (const r of policy.resources.values()) if (r.http?.public && r.http.hostname === hostname) return r.name;
  return undefined;
}

export class AppTickets {
  constructor(private readonly deps: TicketDeps) {}

  /**
   * A ticket for `hostname`, or a DomainError: not found (no public resource by that name),
   * unauthenticated (the browser's login is no longer in good standing: user disabled,
   * certificate revoked, device blocked), permission denied (no grant gives the resource
   * without the tunnel; the message says why).
   */
  async issue(login: BrowserLogin, hostname: string): Promise<string> {
    const { store, now } = this.deps;
    const policy = this.deps.policy();
    const resource = policy && publicResource(policy, hostname);
    if (!policy || !resource) throw notFound(`no public resource answers to ${hostname}`);
    const refusal = await deviceStandingRefusal(store, login.user, login.deviceId, login.certSerial);
    if (refusal) throw unauthenticated(refusal);
    const at = now();
    const { mfa } = await loginOf(store, login.certSerial);
    const decision = await decide(store, policy, { user: login.user, certSerial: login.certSerial, posture: EMPTY_POSTURE, mfa, now: at, sessionStart: at, approvals: await store.access.approvals(login.user, at), tunnel: false });
    const grants = decision.entitlements.filter((e) => e.resource === resource && e.http)
      .map((e) => ({ grant: e.grant, methods: [...e.http!.methods], paths: [...e.http!.paths] }));
    if (grants.length === 0) {
      const denial = decision.denials.find((d) => d.resource === resource);
      throw permissionDenied(`${login.user} may not use ${hostname} from a browser: ${denial?.message ?? 'no grant gives it without the tunnel'}`);
    }
    return this.deps.sign({ sub: login.user, groups: decision.groups, device: login.deviceId, sid: login.sessionId, res: resource, grants, jti: randomBytes(16).toString('base64url') },
      hostname, TICKET_LIFETIME_S);
  }
}
