// Single sign-on with the OAuth 2.0 device authorization grant (RFC 8628) against the
// configured OpenID providers. StartSsoLogin starts the device authorization at the
// provider; the controller then polls the provider's token endpoint in the background
// (openid-client: discovery, JWKS with key rotation, full ID-token validation including the
// signature), maps the validated claims to a Wicket user — an existing account only through
// a link (made by an admin, or by itself for an SSO account on a verified e-mail), admins
// only with MFA — and signs the device CSR through the same code path as a password login.
// PollSsoLogin reports how a login stands.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Counter } from 'prom-client';
import type { MasterKey } from '../crypto/masterkey.js';
import type { Revocation } from '../revocation/revocation.js';
import type { InternalErrorReporter } from '../internal-errors.js';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import type { StartSsoLoginResponse__Output as StartResponse } from '../../proto/generated/wicket/v1/StartSsoLoginResponse.js';
import type { PollSsoLoginResponse__Output as PollResponse } from '../../proto/generated/wicket/v1/PollSsoLoginResponse.js';
import { invalidArgument, notFound, resourceExhausted, unauthenticated, unavailable } from '../errors.js';
import { TokenBuckets } from '../throttle/token-buckets.js';
import { sourceKey } from '../auth/source-key.js';
import { parseCsr, type ParsedCsr } from '../crypto/ca.js';
import { deviceIdFromSpki } from '../crypto/identity.js';
import { INVALID_CREDENTIALS, totpAad } from '../auth/login.js';
import { issueDeviceCertificate, type IssueDeps } from '../auth/issue.js';
import { newTotpSecret } from '../auth/totp.js';
import type { SsoStore } from './sso-store.js';
import type { UserRecord } from '../users/user-store.js';
import type { ProviderConfig } from './config.js';
import { mapClaims, SsoRefusal, type MappedLogin } from './claims.js';

type Outcome = { kind: 'pending' } | { kind: 'done'; login: LoginResponse } | { kind: 'refused' };

interface PendingLogin {
  provider: ProviderConfig;
  csr: ParsedCsr;
  deviceId: string;
  deviceName: string;
  source: string;
  /** The source's throttling key (pending logins are counted under it). */
  sourceKey: string;
  intervalSeconds: number;
  outcome: Outcome;
  abort: AbortController;
  /** Removes the entry once nobody can use it any more. */
  forget: NodeJS.Timeout;
}

/** How long a finished login's outcome waits for the client's next poll. */
const OUTCOME_KEEP_MS = 60_000;

/**
 * What an unauthenticated caller can make the controller hold: every StartSsoLogin keeps a
 * pending login (and a background poll of the provider) until it finishes or expires.
 */
export interface SsoLimits {
  /** Pending logins one source (IPv4 address, IPv6 /64) may have at once. */
  maxPendingPerSource: number;
  /** Pending logins in all. */
  maxPending: number;
  /** A pending login is dropped after this long, whatever the provider's code lifetime says. */
  maxPendingMs: number;
  /** StartSsoLogin per source: burst, then refilled per minute (like Login). */
  startBurst: number;
  startPerMinute: number;
}

export const DEFAULT_SSO_LIMITS: SsoLimits = { maxPendingPerSource: 8, maxPending: 1024, maxPendingMs: 15 * 60_000, startBurst: 20, startPerMinute: 10 };

/** What single sign-on needs: what issuing needs, the master key (TOTP of provisioned users), the
 * start rate counter, and the revocation module a group change from the provider goes through. */
export interface SsoLoginDeps extends IssueDeps {
  masterKey: MasterKey;
  metrics: { logins: Counter<'result'>; rateLimited: Counter<'method'> };
  revocation: Pick<Revocation, 'userChanged'>;
  reportInternal: InternalErrorReporter;
}

export class SsoLogins {
  readonly store: SsoStore;
  private readonly providers: Map<string, ProviderConfig>;
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();
  private readonly pending = new Map<string, PendingLogin>();
  /** Pending logins per source key, counted from admission (before the provider answers). */
  private readonly pendingPerSource = new Map<string, number>();
  private held = 0;
  private readonly limits: SsoLimits;
  private readonly startLimiter: TokenBuckets;

  constructor(private readonly ctx: SsoLoginDeps, providers: ProviderConfig[], limits: Partial<SsoLimits> = {}) {
    this.store = ctx.store.sso;
    this.providers = new Map(providers.map((p) => [p.name, p]));
    this.limits = { ...DEFAULT_SSO_LIMITS, ...limits };
    this.startLimiter = new TokenBuckets(this.limits.startBurst, this.limits.startPerMinute / 60);
  }

  /** Refuses a start over the per-source rate or the pending caps, before any work. */
  private admit(key: string): void {
    // A flood is a count (metric), not a database write or a log line per request.
    const refuse = (message: string): never => {
      this.ctx.metrics.rateLimited.inc({ method: 'StartSsoLogin' });
      throw resourceExhausted(message);
    };
    if (!this.startLimiter.tryTake(key, this.ctx.now())) refuse('too many single sign-on logins started from this address; try again later');
    if ((this.pendingPerSource.get(key) ?? 0) >= this.limits.maxPendingPerSource) refuse('too many single sign-on logins pending from this address; finish one or let it expire');
    if (this.held >= this.limits.maxPending) refuse('too many single sign-on logins pending; try again later');
    this.pendingPerSource.set(key, (this.pendingPerSource.get(key) ?? 0) + 1);
    this.held++;
  }

  /** Gives back what admit() counted. */
  private release(key: string): void {
    this.held--;
    const left = (this.pendingPerSource.get(key) ?? 1) - 1;
    if (left > 0) this.pendingPerSource.set(key, left);
    else this.pendingPerSource.delete(key);
  }

  /** Provider metadata and keys, discovered once (a failed discovery is retried at the next login). */
  private configuration(p: ProviderConfig): Promise<oidc.Configuration> {
    let config = this.configs.get(p.name);
    if (!config) {
      config = oidc.discovery(new URL(p.issuer), p.client_id, undefined, p.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(p.clientSecret), {
        // Validate ID-token signatures against the provider's JWKS even though the token
        // endpoint answers over TLS; openid-client refetches the JWKS when keys rotate.
        execute: [oidc.enableNonRepudiationChecks, ...(p.allow_insecure_http ? [oidc.allowInsecureRequests] : [])],
      });
      this.configs.set(p.name, config);
      config.catch(() => this.configs.delete(p.name));
    }
    return config;
  }

  private provider(name: string): ProviderConfig {
    if (name === '') {
      if (this.providers.size === 1) return [...this.providers.values()][0]!;
      throw invalidArgument(`provider: several identity providers are configured, name one of: ${[...this.providers.keys()].join(', ')}`);
    }
    const p = this.providers.get(name);
    if (!p) throw invalidArgument(`provider: no identity provider "${name}" (configured: ${[...this.providers.keys()].join(', ')})`);
    return p;
  }

  async start(req: { provider: string; csrPem: string; deviceName: string }, source: string): Promise<StartResponse> {
    const provider = this.provider(req.provider);
    const csr = parseCsr(req.csrPem);
    const key = sourceKey(source);
    this.admit(key);
    let device: oidc.DeviceAuthorizationResponse;
    let config: oidc.Configuration;
    try {
      config = await this.configuration(provider);
      device = await oidc.initiateDeviceAuthorization(config, { scope: provider.scopes.join(' ') });
    } catch (err) {
      this.release(key);
      this.ctx.log.warn({ provider: provider.name, err: (err as Error).message }, 'identity provider unavailable');
      throw unavailable(`identity provider ${provider.name} cannot start a login: ${(err as Error).message}`);
    }
    const loginId = randomBytes(32).toString('base64url');
    const expiresInMs = Math.min(device.expires_in * 1000, this.limits.maxPendingMs);
    const entry: PendingLogin = {
      provider, csr, deviceId: deviceIdFromSpki(csr.spkiDer), deviceName: req.deviceName, source, sourceKey: key,
      intervalSeconds: device.interval ?? 5, outcome: { kind: 'pending' }, abort: new AbortController(),
      forget: setTimeout(() => this.drop(loginId), expiresInMs + OUTCOME_KEEP_MS),
    };
    entry.forget.unref();
    this.pending.set(loginId, entry);
    this.ctx.log.info({ provider: provider.name, deviceId: entry.deviceId, source }, 'sso login started');
    // The login finishes in the background: whatever it throws (an audit write during
    // shutdown, say) is reported, never an unhandled rejection.
    this.await(entry, config, device).catch((err) => this.ctx.reportInternal('sso.login', err));
    return {
      loginId, provider: provider.name, verificationUri: device.verification_uri, verificationUriComplete: device.verification_uri_complete ?? '',
      userCode: device.user_code, expiresAtMs: this.ctx.now() + expiresInMs, intervalSeconds: entry.intervalSeconds,
    };
  }

  poll(loginId: string): PollResponse {
    const entry = this.pending.get(loginId);
    if (!entry) throw notFound('no such SSO login (it expired, finished, or the controller restarted); start again');
    if (entry.outcome.kind === 'pending') return { pending: true, intervalSeconds: entry.intervalSeconds, login: null };
    this.drop(loginId);
    if (entry.outcome.kind === 'refused') throw unauthenticated(INVALID_CREDENTIALS);
    return { pending: false, intervalSeconds: 0, login: entry.outcome.login };
  }

  /** Aborts every login in progress (controller shutdown). */
  close(): void {
    for (const id of [...this.pending.keys()]) this.drop(id);
  }

  private drop(loginId: string): void {
    const entry = this.pending.get(loginId);
    if (!entry) return;
    entry.abort.abort();
    clearTimeout(entry.forget);
    this.pending.delete(loginId);
    this.release(entry.sourceKey);
  }

  /** Polls the provider until the user finished (or the code expired), then completes the login. */
  private async await(entry: PendingLogin, config: oidc.Configuration, device: oidc.DeviceAuthorizationResponse): Promise<void> {
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.pollDeviceAuthorizationGrant(config, device, undefined, { signal: entry.abort.signal });
      const idClaims = tokens.claims();
      if (!idClaims) throw new SsoRefusal('the provider returned no ID token');
      claims = idClaims as Record<string, unknown>;
    } catch (err) {
      if (entry.abort.signal.aborted) return;
      this.refuse(entry, undefined, `provider ${entry.provider.name}: ${describe(err)}`);
      return;
    }
    try {
      entry.outcome = { kind: 'done', login: this.complete(entry, mapClaims(entry.provider, claims)) };
    } catch (err) {
      if (!(err instanceof SsoRefusal)) this.ctx.log.error({ err }, 'sso login failed');
      this.refuse(entry, typeof claims.sub === 'string' ? claims.sub : undefined, (err as Error).message);
    }
  }

  private refuse(entry: PendingLogin, subject: string | undefined, reason: string): void {
    entry.outcome = { kind: 'refused' };
    const who = subject === undefined ? `sso:${entry.provider.name}` : `sso:${entry.provider.name}:${subject}`;
    this.ctx.audit.append({ actor: `user:${who}`, action: 'login.fail', target: who, details: { method: 'sso', provider: entry.provider.name, reason, source: entry.source, device_id: entry.deviceId } });
    this.ctx.metrics.logins.inc({ result: 'failed' });
    this.ctx.log.info({ provider: entry.provider.name, subject, source: entry.source }, 'sso login refused');
  }

  /** Links or provisions the user and issues the certificate; throws SsoRefusal. */
  private complete(entry: PendingLogin, login: MappedLogin): LoginResponse {
    const { store, audit } = this.ctx;
    const p = entry.provider;
    const now = this.ctx.now();
    const linked = this.store.identity(p.name, login.subject);
    const name = linked?.user ?? login.username;
    let user = store.users.get(name);
    let provision: UserRecord | undefined;
    if (!linked && user) this.checkImplicitLink(user, login, p.name);
    if (!user) {
      if (p.provisioning !== 'auto') throw new SsoRefusal(`no Wicket user ${name} (this provider only admits pre-created users)`);
      // SSO-only users get no password; the sealed TOTP secret is never shown (an admin may reset it).
      provision = { name, passwordHash: null, totpSealed: this.ctx.masterKey.seal(newTotpSecret(), totpAad(name)), admin: false, disabled: false, createdAtMs: now };
      user = provision;
    }
    // Admin identities come only from logins that passed MFA (password logins always do).
    if (!login.mfa && (p.require_mfa === 'all' || user.admin)) {
      throw new SsoRefusal(`MFA required${user.admin ? ' for admins' : ''}: the provider reported no MFA method (amr/acr) for this login`);
    }
    if (user.disabled) throw new SsoRefusal(`user ${name} is disabled`);
    const groupsChanged = linked !== undefined && linked.groups.join('\n') !== [...login.groups].sort().join('\n');
    const groups = [...login.groups].sort();
    const issued = issueDeviceCertificate(this.ctx, {
      user, csr: entry.csr, deviceId: entry.deviceId, deviceName: entry.deviceName, source: entry.source, method: 'sso',
      details: { provider: p.name, subject: login.subject, mfa: login.mfa, groups, ...(login.ignoredGroups.length ? { ignored_groups: login.ignoredGroups } : {}) },
    }, (serial) => {
      if (provision) {
        if (!store.users.add(provision, [])) return false;
        audit.append({ actor: `system`, action: 'user.provision', target: name, details: { provider: p.name, subject: login.subject } });
      }
      this.store.saveIdentity({ provider: p.name, subject: login.subject, user: name, groups }, now);
      this.store.recordCertificate(serial, p.name, login.subject, login.mfa);
      return true;
    });
    if (!issued) throw new SsoRefusal(`user ${name} was created concurrently; log in again`);
    // Live sessions on earlier certificates from this provider see the new groups.
    if (groupsChanged) {
      try {
        this.ctx.revocation.userChanged(name, 'groups', `sso:${p.name}`);
      } catch (err) {
        this.ctx.log.error({ err }, 're-evaluation after SSO group change failed');
      }
    }
    return issued;
  }

  /**
   * An unlinked subject may take over an existing account only when the provider verified the
   * e-mail address and the account is an SSO account (no password, not an admin, already
   * linked to another provider); anything else needs an admin's `wicketctl user link`.
   */
  private checkImplicitLink(user: UserRecord, login: MappedLogin, provider: string): void {
    if (this.store.identityOfUser(user.name, provider)) throw new SsoRefusal(`user ${user.name} is already linked to another ${provider} account`);
    if (!login.emailVerified) throw new SsoRefusal(`the provider did not verify the e-mail address, so it is not linked to the existing user ${user.name}`);
    if (user.admin || user.passwordHash !== null || !this.store.hasAnyIdentity(user.name)) {
      throw new SsoRefusal(`user ${user.name} does not accept SSO logins by e-mail or name match (an admin or password account); an admin may link it: wicketctl user link`);
    }
  }

  /** Whether an identity provider of this name is configured. */
  hasProvider(name: string): boolean {
    return this.providers.has(name);
  }
}

/** A provider or validation error as one line for the audit log. */
function describe(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) return `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
  // openid-client names the failed check in the cause: the claim, or the underlying error.
  const cause = (err as { cause?: unknown }).cause;
  const claim = cause && typeof cause === 'object' && 'claim' in cause ? ` (claim "${String(cause.claim)}")` : '';
  const inner = cause instanceof Error ? ` (${cause.message})` : '';
  return `${(err as Error).message}${claim}${inner}`;
}
