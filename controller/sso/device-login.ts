// Single sign-on with the OAuth 2.0 device authorization grant (RFC 8628) against the
// configured OpenID providers. StartSsoLogin starts the device authorization at the
// provider; the controller then polls the provider's token endpoint in the background
// (openid-client: discovery, JWKS with key rotation, full ID-token validation including the
// signature) and completes the login with the validated claims (complete.ts: user mapping,
// MFA for admins, the certificate through the same code path as a password login).
// PollSsoLogin reports how a login stands.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import type { StartSsoLoginResponse__Output as StartResponse } from '../../proto/generated/wicket/v1/StartSsoLoginResponse.js';
import type { PollSsoLoginResponse__Output as PollResponse } from '../../proto/generated/wicket/v1/PollSsoLoginResponse.js';
import { invalidArgument, notFound, resourceExhausted, unauthenticated, unavailable } from '../errors.js';
import { TokenBuckets } from '../throttle/token-buckets.js';
import { sourceKey } from '../auth/source-key.js';
import { parseCsr, type ParsedCsr } from '../crypto/ca.js';
import { deviceIdFromSpki } from '../crypto/identity.js';
import { INVALID_CREDENTIALS } from '../auth/login.js';
import type { SsoStore } from './sso-store.js';
import type { ProviderConfig } from './config.js';
import { mapClaims, SsoRefusal } from './claims.js';
import { completeSsoLogin, describeProviderError, refuseSsoLogin, type SsoLoginDeps } from './complete.js';

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
  configuration(p: ProviderConfig): Promise<oidc.Configuration> {
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

  /** The provider of this name ('' = the only one); an unknown name is INVALID_ARGUMENT. */
  provider(name: string): ProviderConfig {
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
      await this.refuse(entry, undefined, `provider ${entry.provider.name}: ${describeProviderError(err)}`);
      return;
    }
    try {
      entry.outcome = { kind: 'done', login: await completeSsoLogin(this.ctx, entry, mapClaims(entry.provider, claims)) };
    } catch (err) {
      if (!(err instanceof SsoRefusal)) this.ctx.log.error({ err }, 'sso login failed');
      await this.refuse(entry, typeof claims.sub === 'string' ? claims.sub : undefined, (err as Error).message);
    }
  }

  /** Audits the refusal, then lets the client's poll see it (refused even when the audit write fails). */
  private async refuse(entry: PendingLogin, subject: string | undefined, reason: string): Promise<void> {
    try {
      await refuseSsoLogin(this.ctx, entry, subject, reason);
    } finally {
      entry.outcome = { kind: 'refused' };
    }
  }

  /** Whether an identity provider of this name is configured. */
  hasProvider(name: string): boolean {
    return this.providers.has(name);
  }

  providerNames(): string[] {
    return [...this.providers.keys()];
  }
}
