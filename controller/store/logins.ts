// Login state: failures per user (the slow-down ceiling), failures and lockout per (user,
// source), and the TOTP replay guard.
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Dialect } from './database.js';
import type { LockState } from '../auth/lockout.js';

const UNLOCKED: LockState = { failures: 0, lastFailureMs: 0, lockedUntilMs: 0 };

export class LoginStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  async lockState(user: string): Promise<LockState> {
    const r = await this.db.selectFrom('login_failures').select(['failures', 'last_failure_ms', 'locked_until_ms']).where('user_name', '=', user).executeTakeFirst();
    return r ? { failures: r.failures, lastFailureMs: r.last_failure_ms, lockedUntilMs: r.locked_until_ms } : { ...UNLOCKED };
  }

  async saveLockState(user: string, s: LockState): Promise<void> {
    if (s.failures === 0 && s.lockedUntilMs === 0) {
      await this.db.deleteFrom('login_failures').where('user_name', '=', user).execute();
      return;
    }
    await this.db.insertInto('login_failures')
      .values({ user_name: user, failures: s.failures, last_failure_ms: s.lastFailureMs, locked_until_ms: s.lockedUntilMs })
      .onConflict((oc) => oc.column('user_name').doUpdateSet((eb) => ({
        failures: eb.ref('excluded.failures'), last_failure_ms: eb.ref('excluded.last_failure_ms'), locked_until_ms: eb.ref('excluded.locked_until_ms'),
      })))
      .execute();
  }

  /** The lock state of `user` for attempts from `source` (a source key). */
  async sourceLockState(user: string, source: string): Promise<LockState> {
    const r = await this.db.selectFrom('login_source_failures').select(['failures', 'last_failure_ms', 'locked_until_ms'])
      .where('user_name', '=', user).where('source', '=', source).executeTakeFirst();
    return r ? { failures: r.failures, lastFailureMs: r.last_failure_ms, lockedUntilMs: r.locked_until_ms } : { ...UNLOCKED };
  }

  /**
   * Saves it, and forgets every (user, source) state older than `forgetBeforeMs` that no
   * longer locks. Two statements: call inside a transaction.
   */
  async saveSourceLockState(user: string, source: string, s: LockState, forgetBeforeMs: number): Promise<void> {
    await this.db.insertInto('login_source_failures')
      .values({ user_name: user, source, failures: s.failures, last_failure_ms: s.lastFailureMs, locked_until_ms: s.lockedUntilMs })
      .onConflict((oc) => oc.columns(['user_name', 'source']).doUpdateSet((eb) => ({
        failures: eb.ref('excluded.failures'), last_failure_ms: eb.ref('excluded.last_failure_ms'), locked_until_ms: eb.ref('excluded.locked_until_ms'),
      })))
      .execute();
    await this.db.deleteFrom('login_source_failures').where('last_failure_ms', '<', forgetBeforeMs).where('locked_until_ms', '<', s.lastFailureMs).execute();
  }

  /**
   * After a successful login from `source`: the user-wide count and that source's state
   * start again; other sources stay locked (a login must not unlock an attacker). Two
   * statements: call inside a transaction.
   */
  async clearAfterSuccess(user: string, source: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('user_name', '=', user).execute();
    await this.db.deleteFrom('login_source_failures').where('user_name', '=', user).where('source', '=', source).execute();
  }

  /**
   * Records that the TOTP code of time step `step` was accepted. Returns false (a replay)
   * when this step or a later one was already accepted for the user: a code is good once,
   * and an older code cannot be used after a newer one. Reads then writes: call inside a
   * transaction (on PostgreSQL a concurrent use of the same step on another controller is a
   * serialization conflict, so the retry sees it and refuses).
   */
  async useTotpStep(user: string, step: number): Promise<boolean> {
    const r = await this.db.selectFrom('totp_used').select((eb) => eb.fn.max('step').as('step')).where('user_name', '=', user).executeTakeFirst();
    const last = r?.step ?? null;
    if (last !== null && step <= Number(last)) return false;
    await this.db.insertInto('totp_used').values({ user_name: user, step }).onConflict((oc) => oc.columns(['user_name', 'step']).doNothing()).execute();
    await this.db.deleteFrom('totp_used').where('user_name', '=', user).where('step', '<', step).execute();
    return true;
  }
}
