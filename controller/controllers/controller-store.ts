// The controllers registered in the database (migration 015): one row per controller process
// start, written by that process (registry.ts) and read by ListControllers on any controller.
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { Schema, ControllersTable } from '../store/schema.js';

export interface ControllerRecord {
  id: string;
  hostname: string;
  apiAddress: string;
  authAddress: string;
  startedAtMs: number;
  heartbeatAtMs: number;
  /** When it stopped cleanly; undefined while running (or after a crash). */
  stoppedAtMs?: number;
  /** Sessions followed by a client's Watch stream on it, at its last heartbeat. */
  clients: number;
  /** The gateways whose Sync stream it held at its last heartbeat. */
  gateways: string[];
}

/** What a controller reports at each heartbeat. */
export interface ControllerLoad {
  clients: number;
  gateways: string[];
}

function parseGateways(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    // A row written by a broken controller must not make the whole list unreadable.
    return [];
  }
}

function toRecord(r: Selectable<ControllersTable>): ControllerRecord {
  return {
    id: r.id, hostname: r.hostname, apiAddress: r.api_address, authAddress: r.auth_address,
    startedAtMs: r.started_at_ms, heartbeatAtMs: r.heartbeat_at_ms, stoppedAtMs: r.stopped_at_ms ?? undefined,
    clients: r.clients, gateways: parseGateways(r.gateways_json),
  };
}

export class ControllerStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /**
   * Adds a running controller with a heartbeat at `nowMs`; its row again when it was lost
   * (pruned while the controller was cut off from the database for days).
   */
  async register(c: { id: string; hostname: string; apiAddress: string; authAddress: string; startedAtMs: number } & ControllerLoad, nowMs: number): Promise<void> {
    const gateways = JSON.stringify([...c.gateways].sort());
    await this.db.insertInto('controllers').values({
      id: c.id, hostname: c.hostname, api_address: c.apiAddress, auth_address: c.authAddress,
      started_at_ms: c.startedAtMs, heartbeat_at_ms: nowMs, stopped_at_ms: null, clients: c.clients, gateways_json: gateways,
    }).onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at_ms: nowMs, stopped_at_ms: null, clients: c.clients, gateways_json: gateways }))
      .execute();
  }

  /**
   * Records a heartbeat with the controller's load: one UPDATE of its row. Returns false when
   * the row is gone (pruned, or the database was restored from before it registered): the
   * caller registers again.
   */
  async heartbeat(id: string, nowMs: number, load: ControllerLoad): Promise<boolean> {
    const r = await this.db.updateTable('controllers')
      .set({ heartbeat_at_ms: nowMs, clients: load.clients, gateways_json: JSON.stringify([...load.gateways].sort()) })
      .where('id', '=', id).where('stopped_at_ms', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Marks a controller stopped cleanly: it holds no gateway and serves no client any more. */
  async markStopped(id: string, nowMs: number): Promise<void> {
    await this.db.updateTable('controllers')
      .set({ stopped_at_ms: nowMs, heartbeat_at_ms: nowMs, clients: 0, gateways_json: '[]' })
      .where('id', '=', id)
      .execute();
  }

  /** Forgets controllers whose last heartbeat (or stop) is older than `beforeMs`; returns how many. */
  async prune(beforeMs: number): Promise<number> {
    const r = await this.db.deleteFrom('controllers').where('heartbeat_at_ms', '<', beforeMs).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async get(id: string): Promise<ControllerRecord | undefined> {
    const r = await this.db.selectFrom('controllers').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRecord(r);
  }

  /** Every registered controller, oldest start first (a handful: the whole list at once). */
  async list(): Promise<ControllerRecord[]> {
    const rows = await this.db.selectFrom('controllers').selectAll().orderBy('started_at_ms').orderBy('id').execute();
    return rows.map(toRecord);
  }
}
