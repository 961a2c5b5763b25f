// Login state: failures per user (the slow-down ceiling), failures and lockout per (user,
// source), and the TOTP replay guard.
import type { DB } from './db.js';
import type { LockState } from '../auth/lockout.js';

export class LoginStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      get: db.prepare<[string], { failures: number; last_failure_ms: number; locked_until_ms: number }>(
        'SELECT failures, last_failure_ms, locked_until_ms FROM login_failures WHERE user_name = ?'),
      put: db.prepare(`INSERT INTO login_failures (user_name, failures, last_failure_ms, locked_until_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_name) DO UPDATE SET failures = excluded.failures, last_failure_ms = excluded.last_failure_ms, locked_until_ms = excluded.locked_until_ms`),
      clear: db.prepare('DELETE FROM login_failures WHERE user_name = ?'),
      getSource: db.prepare<[string, string], { failures: number; last_failure_ms: number; locked_until_ms: number }>(
        'SELECT failures, last_failure_ms, locked_until_ms FROM login_source_failures WHERE user_name = ? AND source = ?'),
      putSource: db.prepare(`INSERT INTO login_source_failures (user_name, source, failures, last_failure_ms, locked_until_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (user_name, source) DO UPDATE SET failures = excluded.failures, last_failure_ms = excluded.last_failure_ms, locked_until_ms = excluded.locked_until_ms`),
      clearSource: db.prepare('DELETE FROM login_source_failures WHERE user_name = ? AND source = ?'),
      pruneSources: db.prepare('DELETE FROM login_source_failures WHERE last_failure_ms < ? AND locked_until_ms < ?'),
      lastStep: db.prepare<[string], { step: number | null }>('SELECT max(step) AS step FROM totp_used WHERE user_name = ?'),
      useStep: db.prepare('INSERT OR IGNORE INTO totp_used (user_name, step) VALUES (?, ?)'),
      prune: db.prepare('DELETE FROM totp_used WHERE user_name = ? AND step < ?'),
    };
  }

  lockState(user: string): LockState {
    const r = this.stmts.get.get(user);
    return r ? { failures: r.failures, lastFailureMs: r.last_failure_ms, lockedUntilMs: r.locked_until_ms } : { failures: 0, lastFailureMs: 0, lockedUntilMs: 0 };
  }

  saveLockState(user: string, s: LockState): void {
    if (s.failures === 0 && s.lockedUntilMs === 0) this.stmts.clear.run(user);
    else this.stmts.put.run(user, s.failures, s.lastFailureMs, s.lockedUntilMs);
  }

  /** The lock state of `user` for attempts from `source` (a source key). */
  sourceLockState(user: string, source: string): LockState {
    const r = this.stmts.getSource.get(user, source);
    return r ? { failures: r.failures, lastFailureMs: r.last_failure_ms, lockedUntilMs: r.locked_until_ms } : { failures: 0, lastFailureMs: 0, lockedUntilMs: 0 };
  }

  /** Saves it, and forgets every (user, source) state older than `forgetBeforeMs` that no longer locks. */
  saveSourceLockState(user: string, source: string, s: LockState, forgetBeforeMs: number): void {
    this.stmts.putSource.run(user, source, s.failures, s.lastFailureMs, s.lockedUntilMs);
    this.stmts.pruneSources.run(forgetBeforeMs, s.lastFailureMs);
  }

  /**
   * After a successful login from `source`: the user-wide count and that source's state
   * start again; other sources stay locked (a login must not unlock an attacker).
   */
  clearAfterSuccess(user: string, source: string): void {
    this.stmts.clear.run(user);
    this.stmts.clearSource.run(user, source);
  }

  /**
   * Records that the TOTP code of time step `step` was accepted. Returns false (a replay)
   * when this step or a later one was already accepted for the user: a code is good once,
   * and an older code cannot be used after a newer one.
   */
  useTotpStep(user: string, step: number): boolean {
    const last = this.stmts.lastStep.get(user)?.step ?? null;
    if (last !== null && step <= last) return false;
    this.stmts.useStep.run(user, step);
    this.stmts.prune.run(user, step);
    return true;
  }
}
