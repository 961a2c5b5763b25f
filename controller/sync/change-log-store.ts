// Each gateway's change log: one row per Sync version, appended in the transaction that made
// the change, so whichever controller holds the gateway's stream sends it (woken by a
// notification carrying only the gateway and version), and a gateway that reconnects resumes
// after the version it applied. A row names session ids only; the entries, with their
// preshared keys, are built from the sessions table when the row is sent.
// Writers take turns (store.ts), so a gateway's versions are contiguous and commit in order:
// a missing version means it was pruned, and the reader sends a snapshot instead.
import type { Kysely } from 'kysely';
import type { Dialect } from '../store/dialect.js';
import type { Schema } from '../store/schema.js';

/** What one version changes on a gateway: session ids to (re)build and send, ids to remove, and whether its configuration changed. */
export interface LoggedChange {
  upserts: string[];
  removes: string[];
  config: boolean;
}

export interface LoggedVersion extends LoggedChange {
  version: number;
  createdAtMs: number;
}

export class ChangeLogStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /**
   * Gives `gateway` its next version and logs `change` under it (call inside a transaction).
   * Undefined for a gateway that is not enrolled: nothing is written, and its snapshot at
   * enrollment carries the state.
   */
  async append(gateway: string, change: LoggedChange, nowMs: number): Promise<number | undefined> {
    const row = await this.db.updateTable('gateways').set((eb) => ({ desired_version: eb('desired_version', '+', 1) }))
      .where('name', '=', gateway).returning('desired_version').executeTakeFirst();
    if (!row) return undefined;
    const version = Number(row.desired_version);
    await this.db.insertInto('gateway_changes').values({
      gateway, version, upserts: JSON.stringify(change.upserts), removes: JSON.stringify(change.removes), config: change.config ? 1 : 0, created_at_ms: nowMs,
    }).execute();
    return version;
  }

  /** The versions after `afterVersion`, oldest first, at most `limit`. */
  async since(gateway: string, afterVersion: number, limit: number): Promise<LoggedVersion[]> {
    const rows = await this.db.selectFrom('gateway_changes').selectAll().where('gateway', '=', gateway).where('version', '>', afterVersion)
      .orderBy('version').limit(limit).execute();
    return rows.map((r) => ({
      version: Number(r.version), upserts: JSON.parse(r.upserts) as string[], removes: JSON.parse(r.removes) as string[],
      config: r.config === 1, createdAtMs: Number(r.created_at_ms),
    }));
  }

  /** The oldest version the log still holds for `gateway` (undefined: none). */
  async oldest(gateway: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('gateway_changes').select('version').where('gateway', '=', gateway).orderBy('version').limit(1).executeTakeFirst();
    return r && Number(r.version);
  }

  /** Deletes the versions below `belowVersion` written before `createdBeforeMs`; returns how many. */
  async prune(gateway: string, belowVersion: number, createdBeforeMs = Number.MAX_SAFE_INTEGER): Promise<number> {
    const r = await this.db.deleteFrom('gateway_changes').where('gateway', '=', gateway).where('version', '<', belowVersion)
      .where('created_at_ms', '<', createdBeforeMs).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
