// The Login flow: password + TOTP (once per step) + throttling, then the device CSR is
// signed into a certificate that lives for the re-authentication interval
// (controller/auth/issue.ts, shared with single sign-on). Throttling (lockout.ts): a
// per-source rate limit first, then a lockout per (user, source), and a per-user ceiling
// that slows attempts down but never refuses them. Every failure gives the caller the same
// UNAUTHENTICATED "invalid credentials"; the real reason goes to the audit log only.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MasterKey } from '../crypto/masterkey.js';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import { unauthenticated } from '../errors.js';
import { parseCsr } from '../crypto/ca.js';
import { deviceIdFromSpki } from '../crypto/identity.js';
import { issueDeviceCertificate, type IssueDeps } from './issue.js';
import { checkPassword, hashPassword } from './password.js';
import { verifyTotp } from './totp.js';
import { DEFAULT_LOCKOUT, DEFAULT_SLOWDOWN, isLocked, recordFailure, recordUserFailure, slowdownMs, type LockoutPolicy, type SlowdownPolicy } from './lockout.js';
import { TokenBuckets } from '../throttle/token-buckets.js';
import { sourceKey } from './source-key.js';

export interface LoginInput { username: string; password: string; totpCode: string; csrPem: string; deviceName: string }

/** Where the login comes from: the console admits admins only (controller/console/). */
export interface LoginOptions { adminOnly?: boolean }

/** The one answer every failed login gets. */
export const INVALID_CREDENTIALS = 'invalid credentials';

/** The AAD that binds a sealed TOTP secret to its user. */
export const totpAad = (user: string) => `totp:${user}`;

/** What a password login needs: what issuing needs, and the master key that opens TOTP secrets. */
export interface LoginDeps extends IssueDeps {
  masterKey: MasterKey;
}

export interface LoginThrottle { lockout: LockoutPolicy; slowdown: SlowdownPolicy; perSource: TokenBuckets }

export class LoginService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly ctx: LoginDeps, throttle: Partial<LoginThrottle> = {}) {
    this.throttle = { lockout: DEFAULT_LOCKOUT, slowdown: DEFAULT_SLOWDOWN, perSource: new TokenBuckets(20, 10 / 60, 100_000), ...throttle };
  }

  /** Checks credentials and signs the CSR; `address` is the caller's address. */
  async login(input: LoginInput, address: string, options: LoginOptions = {}): Promise<LoginResponse> {
    const { store, audit, metrics } = this.ctx;
    const { lockout, slowdown, perSource } = this.throttle;
    // A malformed CSR is a client bug, not a credential problem: it is reported as such
    // (validation) before any credential is looked at. parseCsr checks the key before it
    // verifies anything with it, so this costs little whoever sends it.
    const csr = parseCsr(input.csrPem);
    const deviceId = deviceIdFromSpki(csr.spkiDer);
    const source = sourceKey(address);
    let user = await store.users.get(input.username);

    /** `counts`: the attempt reached the password check, so it counts against user and source. */
    const fail = async (reason: string, counts: boolean): Promise<never> => {
      const now = this.ctx.now();
      const name = counts ? user?.name : undefined;
      await store.transaction(async (tx) => {
        if (name !== undefined) {
          await tx.logins.saveLockState(name, recordUserFailure(await tx.logins.lockState(name), now, slowdown));
          await tx.logins.saveSourceLockState(name, source, recordFailure(await tx.logins.sourceLockState(name, source), now, lockout), now - lockout.resetAfterMs);
        }
        await audit.append(tx, { actor: `user:${input.username}`, action: 'login.fail', target: input.username, details: { reason, source: address, device_id: deviceId } });
      });
      metrics.logins.inc({ result: 'failed' });
      this.ctx.log.info({ user: input.username, source: address }, 'login failed');
      throw unauthenticated(INVALID_CREDENTIALS);
    };

    // A rate-limited source is refused before any hashing: the answer depends on the source
    // alone (it tells nothing about the user), and an attacker over the limit must not be
    // able to keep the scrypt thread pool busy. Spraying many users is throttled here.
    if (!perSource.tryTake(source, this.ctx.now())) return fail('rate limited: too many attempts from this address', false);
    // Only the source that failed is locked out: the user from anywhere else is not.
    if (user && isLocked(await store.logins.sourceLockState(user.name, source), this.ctx.now())) return fail('locked out after repeated failures from this address', false);
    // Failures from many sources slow every attempt for the user down; they never lock.
    const wait = user ? slowdownMs(await store.logins.lockState(user.name), this.ctx.now(), slowdown) : 0;
    if (wait > 0) {
      await sleep(wait);
      user = await store.users.get(input.username);
    }
    // The password hash is always computed (a dummy one for unknown users), so the time
    // taken does not tell whether the user exists.
    const password = await checkPassword(input.password, user?.passwordHash ?? null);
    if (!user) return fail('unknown user', false);
    if (!password.ok) return fail(user.passwordHash ? 'wrong password' : 'user has no password', true);
    const now = this.ctx.now();
    const secret = this.ctx.masterKey.open(user.totpSealed, totpAad(user.name)).toString('utf8');
    const step = await verifyTotp(secret, input.totpCode, now);
    if (step === null) return fail('wrong TOTP code', true);
    if (user.disabled) return fail('user is disabled', false);
    // Checked after the credentials, so the console tells an outsider nothing about who is an admin.
    if (options.adminOnly && !user.admin) return fail('not an admin: console sign-in refused', false);
    // Hashes made with older parameters are replaced now that the password is known.
    const rehash = password.needsRehash ? await hashPassword(input.password) : undefined;

    const who = user;
    const issued = await issueDeviceCertificate(this.ctx, { user: who, csr, deviceId, deviceName: input.deviceName, source: address, method: 'password' }, async (tx) => {
      // The replay check and the certificate record commit together.
      if (!(await tx.logins.useTotpStep(who.name, step))) return false;
      await tx.logins.clearAfterSuccess(who.name, source);
      if (rehash) await tx.users.setPasswordHash(who.name, rehash);
      return true;
    });
    return issued ?? fail('TOTP code already used', false);
  }
}
