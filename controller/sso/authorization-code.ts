// Single sign-on for a browser (the admin console): the OAuth 2.0 authorization code flow
// with PKCE (RFC 7636) and a nonce, through openid-client, against the same configured
// providers as the device flow. `begin` gives the provider's authorization URL and the
// values the callback must match (kept by the caller for this browser only); `finish`
// redeems the code, validates the ID token (signature, issuer, audience, nonce, expiry)
// and completes the login like every other SSO login (complete.ts).
import * as oidc from 'openid-client';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import { unauthenticated, unavailable } from '../errors.js';
import { INVALID_CREDENTIALS } from '../auth/login.js';
import { parseCsr } from '../crypto/ca.js';
import { deviceIdFromSpki } from '../crypto/identity.js';
import { mapClaims, SsoRefusal } from './claims.js';
import { completeSsoLogin, describeProviderError, refuseSsoLogin, type SsoLoginDeps } from './complete.js';
import type { SsoLogins } from './device-login.js';

/** What the callback of one authorization must match: kept server-side for the browser that began it. */
export interface AuthorizationCheck { provider: string; verifier: string; state: string; nonce: string; redirectUri: string }

export interface BrowserLoginRequest { csrPem: string; deviceName: string; adminOnly: boolean }

export class BrowserSsoLogins {
  constructor(private readonly ctx: SsoLoginDeps, private readonly logins: SsoLogins) {}

  providers(): string[] {
    return this.logins.providerNames();
  }

  async begin(providerName: string, redirectUri: string): Promise<{ url: string; check: AuthorizationCheck }> {
    const provider = this.logins.provider(providerName);
    let config: oidc.Configuration;
    try {
      config = await this.logins.configuration(provider);
    } catch (err) {
      throw unavailable(`identity provider ${provider.name} cannot start a login: ${(err as Error).message}`);
    }
    const check: AuthorizationCheck = { provider: provider.name, verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce(), redirectUri };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: provider.scopes.join(' '), state: check.state, nonce: check.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(check.verifier), code_challenge_method: 'S256',
    });
    return { url: url.href, check };
  }

  /**
   * Redeems the callback (`callbackUrl`: the redirect URI with the query the provider sent);
   * a refusal of any kind is audited and answered "invalid credentials".
   */
  async finish(check: AuthorizationCheck, callbackUrl: URL, req: BrowserLoginRequest, source: string): Promise<LoginResponse> {
    const provider = this.logins.provider(check.provider);
    const csr = parseCsr(req.csrPem);
    const attempt = { provider, csr, deviceId: deviceIdFromSpki(csr.spkiDer), deviceName: req.deviceName, source, adminOnly: req.adminOnly };
    let claims: Record<string, unknown>;
    try {
      const config = await this.logins.configuration(provider);
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: check.verifier, expectedState: check.state, expectedNonce: check.nonce, idTokenExpected: true,
      });
      claims = (tokens.claims() ?? {}) as Record<string, unknown>;
    } catch (err) {
      await refuseSsoLogin(this.ctx, attempt, undefined, `provider ${provider.name}: ${describeProviderError(err)}`);
      throw unauthenticated(INVALID_CREDENTIALS);
    }
    try {
      return await completeSsoLogin(this.ctx, attempt, mapClaims(provider, claims));
    } catch (err) {
      if (!(err instanceof SsoRefusal)) this.ctx.log.error({ err }, 'sso login failed');
      await refuseSsoLogin(this.ctx, attempt, typeof claims.sub === 'string' ? claims.sub : undefined, (err as Error).message);
      throw unauthenticated(INVALID_CREDENTIALS);
    }
  }
}
