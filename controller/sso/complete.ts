// How a single sign-on login ends, whichever grant brought the provider's validated claims
// (the device flow of `wicket login --sso`, or the authorization code flow of the console):
// the claims are mapped to a Wicket user — an existing account only through a link (made by
// an admin, or by itself for an SSO account on a verified e-mail), admins only with MFA — and
// the device CSR is signed through the same code path as a password login. A refusal is
// audited with its real reason; the caller only ever learns "invalid credentials".
import * as oidc from 'openid-client';
import type { Counter } from 'prom-client';
import type { MasterKey } from '../crypto/masterkey.js';
import type { Revocation } from '../revocation/revocation.js';
import type { InternalErrorReporter } from '../internal-errors.js';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import type { ParsedCsr } from '../crypto/ca.js';
import { totpAad } from '../auth/login.js';
import { issueDeviceCertificate, type IssueDeps } from '../auth/issue.js';
import { newTotpSecret } from '../auth/totp.js';
import type { UserRecord } from '../users/user-store.js';
import type { ProviderConfig } from './config.js';
import { SsoRefusal, type MappedLogin } from './claims.js';

/** What single sign-on needs: what issuing needs, the master key (TOTP of provisioned users), the
 * start rate counter, and the revocation module a group change from the provider goes through. */
export interface SsoLoginDeps extends IssueDeps {
  masterKey: MasterKey;
  metrics: { logins: Counter<'result'>; rateLimited: Counter<'method'> };
  revocation: Pick<Revocation, 'userChanged'>;
  reportInternal: InternalErrorReporter;
}

/** One login's device and origin. */
export interface SsoAttempt {
  provider: ProviderConfig;
  csr: ParsedCsr;
  deviceId: string;
  deviceName: string;
  /** The caller's address (audit). */
  source: string;
  /** Only admins may complete it (the console). */
  adminOnly?: boolean;
}

/** Records a refused login: the audit has the reason, the caller gets "invalid credentials". */
export async function refuseSsoLogin(ctx: SsoLoginDeps, attempt: Pick<SsoAttempt, 'provider' | 'source' | 'deviceId'>, subject: string | undefined, reason: string): Promise<void> {
  const who = subject === undefined ? `sso:${attempt.provider.name}` : `sso:${attempt.provider.name}:${subject}`;
  await ctx.audit.append(ctx.store, { actor: `user:${who}`, action: 'login.fail', target: who, details: { method: 'sso', provider: attempt.provider.name, reason, source: attempt.source, device_id: attempt.deviceId } });
  ctx.metrics.logins.inc({ result: 'failed' });
  ctx.log.info({ provider: attempt.provider.name, subject, source: attempt.source }, 'sso login refused');
}

/** Links or provisions the user and issues the certificate; throws SsoRefusal. */
export async function completeSsoLogin(ctx: SsoLoginDeps, attempt: SsoAttempt, login: MappedLogin): Promise<LoginResponse> {
  const { store, audit } = ctx;
  const p = attempt.provider;
  const now = ctx.now();
  const linked = await store.sso.identity(p.name, login.subject);
  const name = linked?.user ?? login.username;
  let user = await store.users.get(name);
  let provision: UserRecord | undefined;
  if (!linked && user) await checkImplicitLink(ctx, user, login, p.name);
  if (!user) {
    if (p.provisioning !== 'auto') throw new SsoRefusal(`no Wicket user ${name} (this provider only admits pre-created users)`);
    // SSO-only users get no password; the sealed TOTP secret is never shown (an admin may reset it).
    provision = { name, passwordHash: null, totpSealed: ctx.masterKey.seal(newTotpSecret(), totpAad(name)), admin: false, disabled: false, createdAtMs: now };
    user = provision;
  }
  // Before anything is recorded: a refused console sign-in provisions nobody.
  if (attempt.adminOnly && !user.admin) throw new SsoRefusal(`not an admin: console sign-in refused for ${name}`);
  // Admin identities come only from logins that passed MFA (password logins always do).
  if (!login.mfa && (p.require_mfa === 'all' || user.admin)) {
    throw new SsoRefusal(`MFA required${user.admin ? ' for admins' : ''}: the provider reported no MFA method (amr/acr) for this login`);
  }
  if (user.disabled) throw new SsoRefusal(`user ${name} is disabled`);
  const groups = [...login.groups].sort();
  // Read again in the transaction: a login of the same subject (other groups) or an admin's
  // change may have committed since the reads above.
  let groupsChanged = false;
  const issued = await issueDeviceCertificate(ctx, {
    user, csr: attempt.csr, deviceId: attempt.deviceId, deviceName: attempt.deviceName, source: attempt.source, method: 'sso',
    details: { provider: p.name, subject: login.subject, mfa: login.mfa, groups, ...(login.ignoredGroups.length ? { ignored_groups: login.ignoredGroups } : {}) },
  }, async (tx, serial) => {
    if (provision) {
      if (!(await tx.users.add(provision, []))) return false;
      await audit.append(tx, { actor: `system`, action: 'user.provision', target: name, details: { provider: p.name, subject: login.subject } });
    } else {
      const current = await tx.users.get(name);
      if (!current) throw new SsoRefusal(`user ${name} was removed during the login`);
      if (current.disabled) throw new SsoRefusal(`user ${name} is disabled`);
      // The certificate's identities and the MFA and console checks were made for this role.
      if (current.admin !== user.admin) throw new SsoRefusal(`user ${name} was made ${current.admin ? 'an admin' : 'a non-admin'} during the login; log in again`);
    }
    const prior = await tx.sso.identity(p.name, login.subject);
    if (prior && prior.user !== name) throw new SsoRefusal(`${p.name} subject ${login.subject} was linked to ${prior.user} during the login; log in again`);
    // Set on every run of the body (it may run again on PostgreSQL): the last run committed.
    groupsChanged = prior !== undefined && prior.groups.join('\n') !== groups.join('\n');
    await tx.sso.saveIdentity({ provider: p.name, subject: login.subject, user: name, groups }, now);
    await tx.sso.recordCertificate(serial, p.name, login.subject, login.mfa);
    return true;
  });
  if (!issued) throw new SsoRefusal(`user ${name} was created concurrently; log in again`);
  // Live sessions on earlier certificates from this provider see the new groups.
  if (groupsChanged) {
    try {
      await ctx.revocation.userChanged(name, 'groups', `sso:${p.name}`);
    } catch (err) {
      ctx.log.error({ err }, 're-evaluation after SSO group change failed');
    }
  }
  return issued;
}

/**
 * An unlinked subject may take over an existing account only when the provider verified the
 * e-mail address and the account is an SSO account (no password, not an admin, already
 * linked to another provider); anything else needs an admin's `wicketctl user link`.
 */
async function checkImplicitLink(ctx: SsoLoginDeps, user: UserRecord, login: MappedLogin, provider: string): Promise<void> {
  const sso = ctx.store.sso;
  if (await sso.identityOfUser(user.name, provider)) throw new SsoRefusal(`user ${user.name} is already linked to another ${provider} account`);
  if (!login.emailVerified) throw new SsoRefusal(`the provider did not verify the e-mail address, so it is not linked to the existing user ${user.name}`);
  if (user.admin || user.passwordHash !== null || !(await sso.hasAnyIdentity(user.name))) {
    throw new SsoRefusal(`user ${user.name} does not accept SSO logins by e-mail or name match (an admin or password account); an admin may link it: wicketctl user link`);
  }
}

/** A provider or validation error as one line for the audit log. */
export function describeProviderError(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) return `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
  // openid-client names the failed check in the cause: the claim, or the underlying error.
  const cause = (err as { cause?: unknown }).cause;
  const claim = cause && typeof cause === 'object' && 'claim' in cause ? ` (claim "${String(cause.claim)}")` : '';
  const inner = cause instanceof Error ? ` (${cause.message})` : '';
  return `${(err as Error).message}${claim}${inner}`;
}
