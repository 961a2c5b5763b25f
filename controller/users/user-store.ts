// Users and their directory groups.
import type { DB } from '../store/db.js';
import type { User__Output as User } from '../../proto/generated/wicket/v1/User.js';

export interface UserRecord {
  name: string;
  passwordHash: string | null;
  totpSealed: Buffer;
  admin: boolean;
  disabled: boolean;
  createdAtMs: number;
}

interface UserRow { name: string; password_hash: string | null; totp_sealed: Buffer; admin: number; disabled: number; created_at_ms: number }

function toRecord(r: UserRow): UserRecord {
  return { name: r.name, passwordHash: r.password_hash, totpSealed: r.totp_sealed, admin: r.admin === 1, disabled: r.disabled === 1, createdAtMs: r.created_at_ms };
}

export class UserStore {
  private readonly stmts;

  constructor(private readonly db: DB) {
    this.stmts = {
      insert: db.prepare('INSERT INTO users (name, password_hash, totp_sealed, admin, disabled, created_at_ms) VALUES (?, ?, ?, ?, 0, ?)'),
      get: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?'),
      list: db.prepare<[], UserRow & { locked_until_ms: number | null; groups: string | null }>(`
        SELECT u.*, (SELECT max(locked_until_ms) FROM login_source_failures s WHERE s.user_name = u.name) AS locked_until_ms,
               (SELECT json_group_array(group_name) FROM (SELECT group_name FROM user_groups g WHERE g.user_name = u.name ORDER BY group_name)) AS groups
        FROM users u ORDER BY u.name`),
      setPasswordHash: db.prepare('UPDATE users SET password_hash = ? WHERE name = ?'),
      setDisabled: db.prepare('UPDATE users SET disabled = ? WHERE name = ?'),
      groups: db.prepare<[string], { group_name: string }>('SELECT group_name FROM user_groups WHERE user_name = ? ORDER BY group_name'),
      clearGroups: db.prepare('DELETE FROM user_groups WHERE user_name = ?'),
      addGroup: db.prepare('INSERT OR IGNORE INTO user_groups (user_name, group_name) VALUES (?, ?)'),
    };
  }

  /** Adds a user with groups; returns false when the name is taken. */
  add(user: Omit<UserRecord, 'disabled'>, groups: string[]): boolean {
    if (this.stmts.get.get(user.name)) return false;
    this.db.transaction(() => {
      this.stmts.insert.run(user.name, user.passwordHash, user.totpSealed, user.admin ? 1 : 0, user.createdAtMs);
      for (const g of groups) this.stmts.addGroup.run(user.name, g);
    })();
    return true;
  }

  get(name: string): UserRecord | undefined {
    const row = this.stmts.get.get(name);
    return row && toRecord(row);
  }

  /** Replaces a user's password hash (a rehash with current parameters after a login). */
  setPasswordHash(name: string, hash: string): void {
    this.stmts.setPasswordHash.run(hash, name);
  }

  /** Every user as admins see it (groups included; `lockedUntilMs`: the latest lock of a source). */
  list(): User[] {
    return this.stmts.list.all().map((r) => ({
      name: r.name, admin: r.admin === 1, disabled: r.disabled === 1, createdAtMs: r.created_at_ms,
      lockedUntilMs: r.locked_until_ms ?? 0, groups: JSON.parse(r.groups ?? '[]') as string[],
    }));
  }

  /** One user as admins see it. */
  view(name: string): User | undefined {
    return this.list().find((u) => u.name === name);
  }

  /** Returns false when there is no such user. */
  setDisabled(name: string, disabled: boolean): boolean {
    return this.stmts.setDisabled.run(disabled ? 1 : 0, name).changes === 1;
  }

  groupsOf(name: string): string[] {
    return this.stmts.groups.all(name).map((r) => r.group_name);
  }

  /** Replaces a user's directory groups; returns false when there is no such user. */
  setGroups(name: string, groups: string[]): boolean {
    if (!this.stmts.get.get(name)) return false;
    this.db.transaction(() => {
      this.stmts.clearGroups.run(name);
      for (const g of groups) this.stmts.addGroup.run(name, g);
    })();
    return true;
  }

  /** Every user with their directory groups (for policy evaluation and diffs). */
  directory(): { name: string; groups: string[] }[] {
    return this.list().map((u) => ({ name: u.name, groups: u.groups }));
  }
}
