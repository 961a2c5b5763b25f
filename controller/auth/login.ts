// The Login flow: password + TOTP (once per step) + lockout + per-source rate limit, then
// the device CSR is signed into a certificate that lives for the re-authentication
// interval (controller/auth/issue.ts, shared with single sign-on). Every failure gives the
// caller the same UNAUTHENTICATED "invalid credentials"; the real reason goes to the audit
// log only.
import type { ControllerContext } from '../api/context.js';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import { unauthenticated } from '../api/errors.js';
import { parseCsr } from '../crypto/ca.js';
import { deviceIdFromSpki } from '../crypto/identity.js';
import { issueDeviceCertificate } from './issue.js';
import { verifyPassword } from './password.js';
import { verifyTotp } from './totp.js';
import { CLEAR_LOCK, DEFAULT_LOCKOUT, isLocked, recordFailure, RateLimiter, type LockoutPolicy } from './lockout.js';

export interface LoginInput { username: string; password: string; totpCode: string; csrPem: string; deviceName: string }

/** The one answer every failed login gets. */
export const INVALID_CREDENTIALS = 'invalid credentials';

/** The AAD that binds a sealed TOTP secret to its user. */
export const totpAad = (user: string) => `totp:${user}`;

export class LoginService {
  private readonly perSource: RateLimiter;

  constructor(private readonly ctx: ControllerContext, private readonly lockout: LockoutPolicy = DEFAULT_LOCKOUT, perSource = new RateLimiter()) {
    this.perSource = perSource;
  }

  /** Checks credentials and signs the CSR; `source` is the caller's address (rate limit key). */
  async login(input: LoginInput, source: string): Promise<LoginResponse> {
    const { store, audit, metrics } = this.ctx;
    // A malformed CSR is a client bug, not a credential problem: it is reported as such
    // (validation) before any credential is looked at.
    const csr = parseCsr(input.csrPem);
    const deviceId = deviceIdFromSpki(csr.spkiDer);
    const now = this.ctx.now();
    const user = store.users.get(input.username);

    const fail = (reason: string): never => {
      store.transaction(() => {
        if (user) store.logins.saveLockState(user.name, recordFailure(store.logins.lockState(user.name), now, this.lockout));
        audit.append({ actor: `user:${input.username}`, action: 'login.fail', target: input.username, details: { reason, source, device_id: deviceId } });
      });
      metrics.logins.inc({ result: 'failed' });
      this.ctx.log.info({ user: input.username, source }, 'login failed');
      throw unauthenticated(INVALID_CREDENTIALS);
    };

    // A rate-limited source is refused before any hashing: the answer depends on the source
    // alone (it tells nothing about the user), and an attacker over the limit must not be
    // able to keep the scrypt thread pool busy.
    if (!this.perSource.take(source, now)) fail('rate limited: too many attempts from this address');
    // The password hash is always computed (a dummy one for unknown users), so the time
    // taken does not tell whether the user exists.
    const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? null);
    if (!user) return fail('unknown user');
    if (isLocked(store.logins.lockState(user.name), now)) return fail('locked out after repeated failures');
    if (!passwordOk) return fail(user.passwordHash ? 'wrong password' : 'user has no password');
    const secret = this.ctx.masterKey.open(user.totpSealed, totpAad(user.name)).toString('utf8');
    const step = await verifyTotp(secret, input.totpCode, now);
    if (step === null) return fail('wrong TOTP code');
    if (user.disabled) return fail('user is disabled');

    const issued = issueDeviceCertificate(this.ctx, { user, csr, deviceId, deviceName: input.deviceName, source, method: 'password' }, () => {
      // The replay check and the certificate record commit together.
      if (!store.logins.useTotpStep(user.name, step)) return false;
      store.logins.saveLockState(user.name, CLEAR_LOCK);
      return true;
    });
    return issued ?? fail('TOTP code already used');
  }
}
