// Users and their directory groups.
import type { Kysely, Selectable } from 'kysely';
import type { Schema, UsersTable } from '../store/schema.js';
import type { Dialect } from '../store/database.js';
import type { User__Output as User } from '../../proto/generated/wicket/v1/User.js';

export interface UserRecord {
  name: string;
  passwordHash: string | null;
  totpSealed: Buffer;
  admin: boolean;
  disabled: boolean;
  createdAtMs: number;
}

/** Bound parameters per statement when a list of names is sent (SQLite's limit is far above). */
const CHUNK = 500;

function toRecord(r: Selectable<UsersTable>): UserRecord {
  return { name: r.name, passwordHash: r.password_hash, totpSealed: r.totp_sealed, admin: r.admin === 1, disabled: r.disabled === 1, createdAtMs: r.created_at_ms };
}

export class UserStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /** Adds a user with groups; returns false when the name is taken. Call inside a transaction. */
  async add(user: Omit<UserRecord, 'disabled'>, groups: string[]): Promise<boolean> {
    if (await this.exists(user.name)) return false;
    await this.db.insertInto('users')
      .values({ name: user.name, password_hash: user.passwordHash, totp_sealed: user.totpSealed, admin: user.admin ? 1 : 0, disabled: 0, created_at_ms: user.createdAtMs })
      .execute();
    await this.addGroups(user.name, groups);
    return true;
  }

  async get(name: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Replaces a user's password hash (a rehash with current parameters after a login). */
  async setPasswordHash(name: string, hash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash }).where('name', '=', name).execute();
  }

  /** Every user as admins see it (groups included; `lockedUntilMs`: the latest lock of a source); an array. */
  async list(): Promise<User[]> {
    return this.views(undefined);
  }

  /** One user as admins see it. */
  async view(name: string): Promise<User | undefined> {
    return (await this.views(name))[0];
  }

  /** Returns false when there is no such user. */
  async setDisabled(name: string, disabled: boolean): Promise<boolean> {
    const r = await this.db.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('name', '=', name).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async groupsOf(name: string): Promise<string[]> {
    const rows = await this.db.selectFrom('user_groups').select('group_name').where('user_name', '=', name).orderBy('group_name').execute();
    return rows.map((r) => r.group_name);
  }

  /** Replaces a user's directory groups; returns false when there is no such user. Call inside a transaction. */
  async setGroups(name: string, groups: string[]): Promise<boolean> {
    if (!(await this.exists(name))) return false;
    await this.db.deleteFrom('user_groups').where('user_name', '=', name).execute();
    await this.addGroups(name, groups);
    return true;
  }

  /** Every user with their directory groups (for policy evaluation and diffs). */
  async directory(): Promise<{ name: string; groups: string[] }[]> {
    return (await this.list()).map((u) => ({ name: u.name, groups: u.groups }));
  }

  private async exists(name: string): Promise<boolean> {
    return (await this.db.selectFrom('users').select('name').where('name', '=', name).executeTakeFirst()) !== undefined;
  }

  private async addGroups(name: string, groups: string[]): Promise<void> {
    const unique = [...new Set(groups)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      await this.db.insertInto('user_groups')
        .values(unique.slice(i, i + CHUNK).map((g) => ({ user_name: name, group_name: g })))
        .onConflict((oc) => oc.columns(['user_name', 'group_name']).doNothing())
        .execute();
    }
  }

  /**
   * Users (all, or the one named) with their groups and latest source lock: three queries
   * joined here rather than a JSON aggregate, which SQLite and PostgreSQL spell differently.
   */
  private async views(name: string | undefined): Promise<User[]> {
    let users = this.db.selectFrom('users').select(['name', 'admin', 'disabled', 'created_at_ms']).orderBy('name');
    let locks = this.db.selectFrom('login_source_failures').select((eb) => ['user_name', eb.fn.max('locked_until_ms').as('locked_until_ms')]).groupBy('user_name');
    let groups = this.db.selectFrom('user_groups').select(['user_name', 'group_name']).orderBy('user_name').orderBy('group_name');
    if (name !== undefined) {
      users = users.where('name', '=', name);
      locks = locks.where('user_name', '=', name);
      groups = groups.where('user_name', '=', name);
    }
    const [userRows, lockRows, groupRows] = [await users.execute(), await locks.execute(), await groups.execute()];
    const lockOf = new Map(lockRows.map((r) => [r.user_name, Number(r.locked_until_ms)]));
    const groupsOf = new Map<string, string[]>();
    for (const g of groupRows) {
      const list = groupsOf.get(g.user_name);
      if (list) list.push(g.group_name);
      else groupsOf.set(g.user_name, [g.group_name]);
    }
    return userRows.map((r) => ({
      name: r.name, admin: r.admin === 1, disabled: r.disabled === 1, createdAtMs: r.created_at_ms,
      lockedUntilMs: lockOf.get(r.name) ?? 0, groups: groupsOf.get(r.name) ?? [],
    }));
  }
}
