// Sessions and their per-gateway state (sealed preshared key, sync version, ack time).
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { Schema, SessionGatewaysTable, SessionsTable } from '../store/schema.js';
import type { Entitlement, Posture } from '../policy/index.js';

/** Where a stored session is in its life: active until it is revoked, expires or disconnects. */
export type SessionLifecycle = 'active' | 'revoked' | 'expired' | 'disconnected';

export interface SessionRecord {
  id: string;
  user: string;
  deviceId: string;
  certSerial: string;
  overlayAddress: string;
  wgPublicKey: string;
  posture: Posture;
  mfa: boolean;
  createdAtMs: number;
  expiresAtMs: number;
  state: SessionLifecycle;
  endedAtMs: number | null;
  endReason: string;
  entitlements: Entitlement[];
  /** The subject's groups at the last decision (the identity assertion's `groups`). */
  groups: string[];
  lastHeartbeatMs: number;
}

export interface SessionGatewayRecord {
  sessionId: string;
  gateway: string;
  pskSealed: Buffer;
  version: number;
  ackedAtMs: number | null;
}

/** What the queries run on: the database or an open transaction (store.ts's Executor). */
type Executor = Kysely<Schema>;

type SessionRow = Selectable<SessionsTable>;
type SessionGatewayRow = Selectable<SessionGatewaysTable>;

/** Which sessions a listing returns: every filter that is set must match. */
export interface SessionQuery {
  /** Ended sessions too (a session asked for by id is returned in any state). */
  all?: boolean;
  user?: string;
  deviceId?: string;
  /** Sessions that have (or had) a peer on this gateway. */
  gateway?: string;
  id?: string;
  /** At most this many (none: no limit). */
  limit?: number;
  /** Skip this many matching sessions first. */
  offset?: number;
}

/** One page of a listing, newest first, with how many sessions match in all. */
export interface SessionPage { sessions: SessionRecord[]; total: number }

/** Ids bound in one `IN (...)` list at most. */
const CHUNK = 500;
/** Rows per multi-row insert: 14 columns each stays under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 500;

/** Entitlements as stored; those written before standby gateways existed have none. */
function storedEntitlements(json: string): Entitlement[] {
  return (JSON.parse(json) as (Omit<Entitlement, 'standbyGateways'> & { standbyGateways?: string[] })[])
    .map((e) => ({ ...e, standbyGateways: e.standbyGateways ?? [] }));
}

function toRecord(r: SessionRow): SessionRecord {
  return {
    id: r.id, user: r.user_name, deviceId: r.device_id, certSerial: r.cert_serial, overlayAddress: r.overlay_address,
    wgPublicKey: r.wg_public_key, posture: JSON.parse(r.posture_json) as Posture, mfa: r.mfa === 1, createdAtMs: r.created_at_ms,
    expiresAtMs: r.expires_at_ms, state: r.state as SessionLifecycle, endedAtMs: r.ended_at_ms, endReason: r.end_reason,
    entitlements: storedEntitlements(r.entitlements_json), groups: JSON.parse(r.groups_json) as string[], lastHeartbeatMs: r.last_heartbeat_ms,
  };
}

function toGateway(r: SessionGatewayRow): SessionGatewayRecord {
  return { sessionId: r.session_id, gateway: r.gateway, pskSealed: r.psk_sealed, version: r.version, ackedAtMs: r.acked_at_ms };
}

export class SessionStore {
  constructor(private readonly db: Executor, _dialect: Dialect) {}

  private live() {
    return this.db.selectFrom('sessions').selectAll().where('state', '=', 'active');
  }

  /** Stores a new active session (groups default to none). */
  async insert(s: Omit<SessionRecord, 'state' | 'endedAtMs' | 'endReason' | 'groups'> & { groups?: string[] }): Promise<void> {
    await this.db.insertInto('sessions').values({
      id: s.id, user_name: s.user, device_id: s.deviceId, cert_serial: s.certSerial, overlay_address: s.overlayAddress,
      wg_public_key: s.wgPublicKey, posture_json: JSON.stringify(s.posture), mfa: s.mfa ? 1 : 0, created_at_ms: s.createdAtMs,
      expires_at_ms: s.expiresAtMs, state: 'active', entitlements_json: JSON.stringify(s.entitlements), last_heartbeat_ms: s.lastHeartbeatMs,
      groups_json: JSON.stringify(s.groups ?? []),
    }).execute();
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRecord(r);
  }

  /** Of `ids`, the sessions still active, in the order of `ids`: one query per chunk. */
  async activeOf(ids: readonly string[]): Promise<SessionRecord[]> {
    const found = new Map<string, SessionRecord>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const r of await this.live().where('id', 'in', ids.slice(i, i + CHUNK)).execute()) found.set(r.id, toRecord(r));
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** Every active session, oldest first (an array: the controller holds them all in its timers anyway). */
  async active(): Promise<SessionRecord[]> {
    return (await this.live().orderBy('created_at_ms').orderBy('id').execute()).map(toRecord);
  }

  /**
   * A page of sessions newest first (created_at_ms, then id, descending: a stable order to
   * page through) and the number that match. Only the filters that are set appear in the SQL,
   * so each combination is answered by the index made for it (012_console_indexes.sql).
   */
  async list(q: SessionQuery): Promise<SessionPage> {
    const { page, count } = listingQueries(this.db, q);
    const [rows, n] = await Promise.all([page.execute(), count.executeTakeFirstOrThrow()]);
    return { sessions: rows.map(toRecord), total: Number(n.n) };
  }

  async activeOfUser(user: string): Promise<SessionRecord[]> {
    return (await this.live().where('user_name', '=', user).orderBy('created_at_ms').orderBy('id').execute()).map(toRecord);
  }

  /** Active sessions of a user and of a device (the caps of Connect), from the indexes. */
  async activeCounts(user: string, deviceId: string): Promise<{ user: number; device: number }> {
    const count = (column: 'user_name' | 'device_id', value: string) => this.db.selectFrom('sessions')
      .select((eb) => eb.fn.countAll().as('n')).where('state', '=', 'active').where(column, '=', value).executeTakeFirstOrThrow();
    const [u, d] = await Promise.all([count('user_name', user), count('device_id', deviceId)]);
    return { user: Number(u.n), device: Number(d.n) };
  }

  async activeOfDevice(deviceId: string): Promise<SessionRecord[]> {
    return (await this.live().where('device_id', '=', deviceId).orderBy('created_at_ms').orderBy('id').execute()).map(toRecord);
  }

  async activeOfCertificate(serial: string): Promise<SessionRecord[]> {
    return (await this.live().where('cert_serial', '=', serial).orderBy('created_at_ms').orderBy('id').execute()).map(toRecord);
  }

  /** Active sessions whose expiry is at or before `nowMs` (the index sessions_active). */
  async expiredBy(nowMs: number): Promise<SessionRecord[]> {
    return (await this.live().where('expires_at_ms', '<=', nowMs).orderBy('created_at_ms').orderBy('id').execute()).map(toRecord);
  }

  /** Active sessions whose last heartbeat is older than `ms`. */
  async silentSince(ms: number): Promise<SessionRecord[]> {
    return (await this.live().where('last_heartbeat_ms', '<', ms).orderBy('created_at_ms').orderBy('id').execute()).map(toRecord);
  }

  /** Stores new active sessions with one statement per chunk (a Connect batch). */
  async insertMany(list: readonly SessionRecord[]): Promise<void> {
    for (let i = 0; i < list.length; i += INSERT_CHUNK) {
      await this.db.insertInto('sessions').values(list.slice(i, i + INSERT_CHUNK).map((s) => ({
        id: s.id, user_name: s.user, device_id: s.deviceId, cert_serial: s.certSerial, overlay_address: s.overlayAddress,
        wg_public_key: s.wgPublicKey, posture_json: JSON.stringify(s.posture), mfa: s.mfa ? 1 : 0, created_at_ms: s.createdAtMs,
        expires_at_ms: s.expiresAtMs, state: 'active' as const, entitlements_json: JSON.stringify(s.entitlements), last_heartbeat_ms: s.lastHeartbeatMs,
        groups_json: JSON.stringify(s.groups),
      }))).execute();
    }
  }

  /** Adds sessions' gateways with their sealed keys, one statement per chunk. */
  async addGateways(list: readonly { sessionId: string; gateway: string; pskSealed: Buffer }[]): Promise<void> {
    for (let i = 0; i < list.length; i += INSERT_CHUNK) {
      await this.db.insertInto('session_gateways')
        .values(list.slice(i, i + INSERT_CHUNK).map((g) => ({ session_id: g.sessionId, gateway: g.gateway, psk_sealed: g.pskSealed }))).execute();
    }
  }

  /** Of `keys`, those a live session holds: one query per chunk. */
  async liveKeysAmong(keys: readonly string[]): Promise<Set<string>> {
    return this.liveAmong('wg_public_key', keys);
  }

  /** Of `addresses`, those a live session holds: one query per chunk. */
  async liveAddressesAmong(addresses: readonly string[]): Promise<Set<string>> {
    return this.liveAmong('overlay_address', addresses);
  }

  private async liveAmong(column: 'wg_public_key' | 'overlay_address', values: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await this.db.selectFrom('sessions').select(column).where('state', '=', 'active').where(column, 'in', values.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.add(r[column]);
    }
    return out;
  }

  /** Live sessions per user of `users` and per device of `devices` (absent: none), from the indexes. */
  async activeCountsOf(users: readonly string[], devices: readonly string[]): Promise<{ users: Map<string, number>; devices: Map<string, number> }> {
    const count = async (column: 'user_name' | 'device_id', values: readonly string[]) => {
      const out = new Map<string, number>();
      for (let i = 0; i < values.length; i += CHUNK) {
        const rows = await this.db.selectFrom('sessions').select([column, (eb) => eb.fn.countAll().as('n')])
          .where('state', '=', 'active').where(column, 'in', values.slice(i, i + CHUNK)).groupBy(column).execute();
        for (const r of rows) out.set(r[column], Number(r.n));
      }
      return out;
    };
    return { users: await count('user_name', users), devices: await count('device_id', devices) };
  }

  async isAddressLive(address: string): Promise<boolean> {
    return (await this.db.selectFrom('sessions').select('id').where('overlay_address', '=', address).where('state', '=', 'active').executeTakeFirst()) !== undefined;
  }

  async isKeyLive(publicKey: string): Promise<boolean> {
    return (await this.db.selectFrom('sessions').select('id').where('wg_public_key', '=', publicKey).where('state', '=', 'active').executeTakeFirst()) !== undefined;
  }

  /** Ends an active session; false when it was not active. */
  async end(id: string, state: Exclude<SessionLifecycle, 'active'>, reason: string, nowMs: number): Promise<boolean> {
    const r = await this.db.updateTable('sessions').set({ state, ended_at_ms: nowMs, end_reason: reason })
      .where('id', '=', id).where('state', '=', 'active').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async update(id: string, entitlements: Entitlement[], expiresAtMs: number, posture: Posture, groups: string[]): Promise<void> {
    await this.db.updateTable('sessions')
      .set({ entitlements_json: JSON.stringify(entitlements), expires_at_ms: expiresAtMs, posture_json: JSON.stringify(posture), groups_json: JSON.stringify(groups) })
      .where('id', '=', id).where('state', '=', 'active').execute();
  }

  async heartbeat(id: string, nowMs: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_heartbeat_ms: nowMs }).where('id', '=', id).where('state', '=', 'active').execute();
  }

  /** Treats every live session as heard from at `nowMs` (after a controller restart). */
  async graceHeartbeats(nowMs: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_heartbeat_ms: nowMs }).where('state', '=', 'active').where('last_heartbeat_ms', '<', nowMs).execute();
  }

  async gateways(sessionId: string): Promise<SessionGatewayRecord[]> {
    return (await this.db.selectFrom('session_gateways').selectAll().where('session_id', '=', sessionId).orderBy('gateway').execute()).map(toGateway);
  }

  async addGateway(sessionId: string, gateway: string, pskSealed: Buffer): Promise<void> {
    await this.db.insertInto('session_gateways').values({ session_id: sessionId, gateway, psk_sealed: pskSealed }).execute();
  }

  async dropGateway(sessionId: string, gateway: string): Promise<void> {
    await this.db.deleteFrom('session_gateways').where('session_id', '=', sessionId).where('gateway', '=', gateway).execute();
  }

  /** The sync version that carried the session's latest change to `gateway` (ack pending). */
  async setVersion(sessionId: string, gateway: string, version: number): Promise<void> {
    await this.db.updateTable('session_gateways').set({ version, acked_at_ms: null })
      .where('session_id', '=', sessionId).where('gateway', '=', gateway).execute();
  }

  /**
   * The sync version that carried each of `sessionIds`' latest change to `gateway` (ack
   * pending): setVersion for many sessions in one statement per chunk.
   */
  async setVersions(sessionIds: readonly string[], gateway: string, version: number): Promise<void> {
    for (let i = 0; i < sessionIds.length; i += CHUNK) {
      await this.db.updateTable('session_gateways').set({ version, acked_at_ms: null })
        .where('gateway', '=', gateway).where('session_id', 'in', sessionIds.slice(i, i + CHUNK)).execute();
    }
  }

  /** `gateway` applied `version`: every pending change it carried is acknowledged. */
  async recordAck(gateway: string, version: number, nowMs: number): Promise<void> {
    await this.db.updateTable('session_gateways').set({ acked_at_ms: nowMs })
      .where('gateway', '=', gateway).where('acked_at_ms', 'is', null).where('version', '<=', version).execute();
  }

  /** Of `sessionIds`, those `gateway` serves or served (it holds or held their peer). */
  async servedBy(gateway: string, sessionIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < sessionIds.length; i += CHUNK) {
      const rows = await this.db.selectFrom('session_gateways').select('session_id')
        .where('gateway', '=', gateway).where('session_id', 'in', sessionIds.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.add(r.session_id);
    }
    return out;
  }

  async onGatewayCount(gateway: string): Promise<number> {
    const r = await this.db.selectFrom('sessions as s').innerJoin('session_gateways as g', 'g.session_id', 's.id')
      .select((eb) => eb.fn.countAll().as('n')).where('g.gateway', '=', gateway).where('s.state', '=', 'active').executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Of `ids`, the active sessions `gateway` serves, with their sealed preshared keys for it, in the order of `ids`. */
  async onGatewayOf(gateway: string, ids: readonly string[]): Promise<(SessionRecord & { pskSealed: Buffer })[]> {
    const found = new Map<string, SessionRecord & { pskSealed: Buffer }>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db.selectFrom('sessions as s').innerJoin('session_gateways as g', 'g.session_id', 's.id')
        .selectAll('s').select('g.psk_sealed').where('g.gateway', '=', gateway).where('s.state', '=', 'active')
        .where('s.id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) found.set(r.id, { ...toRecord(r), pskSealed: r.psk_sealed });
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** Active sessions a gateway serves, with their sealed preshared keys for it (an array: a gateway's snapshot holds them all). */
  async onGateway(gateway: string): Promise<(SessionRecord & { pskSealed: Buffer })[]> {
    const rows = await this.db.selectFrom('sessions as s').innerJoin('session_gateways as g', 'g.session_id', 's.id')
      .selectAll('s').select('g.psk_sealed').where('g.gateway', '=', gateway).where('s.state', '=', 'active')
      .orderBy('s.created_at_ms').orderBy('s.id').execute();
    return rows.map((r) => ({ ...toRecord(r), pskSealed: r.psk_sealed }));
  }
}

/**
 * The page and count queries list() runs for the filters set in `q`: only the filters that
 * are set appear, so each combination is answered by its index (the query-plan test compiles
 * these to check it).
 */
export function listingQueries(db: Executor, q: SessionQuery) {
  let where = db.selectFrom('sessions as s');
  if (q.id) where = where.where('s.id', '=', q.id);
  else if (!q.all) where = where.where('s.state', '=', 'active');
  if (q.user) where = where.where('s.user_name', '=', q.user);
  if (q.deviceId) where = where.where('s.device_id', '=', q.deviceId);
  const gateway = q.gateway;
  if (gateway) {
    where = where.where(({ exists, selectFrom }) => exists(selectFrom('session_gateways as g').select('g.session_id')
      .whereRef('g.session_id', '=', 's.id').where('g.gateway', '=', gateway)));
  }
  let page = where.selectAll('s').orderBy('s.created_at_ms', 'desc').orderBy('s.id', 'desc');
  // SQLite takes OFFSET only after a LIMIT: "no limit" with an offset is the largest one.
  if (q.limit !== undefined || q.offset) page = page.limit(q.limit ?? Number.MAX_SAFE_INTEGER);
  if (q.offset) page = page.offset(q.offset);
  const count = where.select((eb) => eb.fn.countAll().as('n'));
  return { page, count };
}
