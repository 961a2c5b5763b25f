// Sessions and their per-gateway state (sealed preshared key, sync version, ack time).
import type { Statement } from 'better-sqlite3';
import type { DB } from '../store/db.js';
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

interface SessionRow {
  id: string; user_name: string; device_id: string; cert_serial: string; overlay_address: string; wg_public_key: string;
  posture_json: string; mfa: number; created_at_ms: number; expires_at_ms: number; state: SessionLifecycle; ended_at_ms: number | null;
  end_reason: string; entitlements_json: string; last_heartbeat_ms: number; groups_json: string;
}

interface SessionGatewayRow { session_id: string; gateway: string; psk_sealed: Buffer; version: number; acked_at_ms: number | null }

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

type ListParams = { user: string; device: string; gateway: string; id: string; limit: number; offset: number };

/** Entitlements as stored; those written before standby gateways existed have none. */
function storedEntitlements(json: string): Entitlement[] {
  return (JSON.parse(json) as (Omit<Entitlement, 'standbyGateways'> & { standbyGateways?: string[] })[])
    .map((e) => ({ ...e, standbyGateways: e.standbyGateways ?? [] }));
}

function toRecord(r: SessionRow): SessionRecord {
  return {
    id: r.id, user: r.user_name, deviceId: r.device_id, certSerial: r.cert_serial, overlayAddress: r.overlay_address,
    wgPublicKey: r.wg_public_key, posture: JSON.parse(r.posture_json) as Posture, mfa: r.mfa === 1, createdAtMs: r.created_at_ms,
    expiresAtMs: r.expires_at_ms, state: r.state, endedAtMs: r.ended_at_ms, endReason: r.end_reason,
    entitlements: storedEntitlements(r.entitlements_json), groups: JSON.parse(r.groups_json) as string[], lastHeartbeatMs: r.last_heartbeat_ms,
  };
}

function toGateway(r: SessionGatewayRow): SessionGatewayRecord {
  return { sessionId: r.session_id, gateway: r.gateway, pskSealed: r.psk_sealed, version: r.version, ackedAtMs: r.acked_at_ms };
}

export class SessionStore {
  private readonly stmts;
  /** The page and count statements of each combination of filters, prepared on first use. */
  private readonly listings = new Map<string, { page: Statement<[ListParams], SessionRow>; count: Statement<[ListParams], { n: number }> }>();

  constructor(private readonly db: DB) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO sessions (id, user_name, device_id, cert_serial, overlay_address, wg_public_key, posture_json, mfa,
        created_at_ms, expires_at_ms, state, entitlements_json, last_heartbeat_ms, groups_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`),
      get: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
      active: db.prepare<[], SessionRow>("SELECT * FROM sessions WHERE state = 'active' ORDER BY created_at_ms"),
      activeOfUser: db.prepare<[string], SessionRow>("SELECT * FROM sessions WHERE user_name = ? AND state = 'active'"),
      activeOfDevice: db.prepare<[string], SessionRow>("SELECT * FROM sessions WHERE device_id = ? AND state = 'active'"),
      countOfUser: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sessions WHERE user_name = ? AND state = 'active'"),
      countOfDevice: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sessions WHERE device_id = ? AND state = 'active'"),
      activeOfCert: db.prepare<[string], SessionRow>("SELECT * FROM sessions WHERE cert_serial = ? AND state = 'active'"),
      silentSince: db.prepare<[number], SessionRow>("SELECT * FROM sessions WHERE state = 'active' AND last_heartbeat_ms < ?"),
      addressLive: db.prepare<[string], { id: string }>("SELECT id FROM sessions WHERE overlay_address = ? AND state = 'active'"),
      keyLive: db.prepare<[string], { id: string }>("SELECT id FROM sessions WHERE wg_public_key = ? AND state = 'active'"),
      end: db.prepare("UPDATE sessions SET state = ?, ended_at_ms = ?, end_reason = ? WHERE id = ? AND state = 'active'"),
      update: db.prepare("UPDATE sessions SET entitlements_json = ?, expires_at_ms = ?, posture_json = ?, groups_json = ? WHERE id = ? AND state = 'active'"),
      heartbeat: db.prepare("UPDATE sessions SET last_heartbeat_ms = ? WHERE id = ? AND state = 'active'"),
      grace: db.prepare("UPDATE sessions SET last_heartbeat_ms = max(last_heartbeat_ms, ?) WHERE state = 'active'"),
      gateways: db.prepare<[string], SessionGatewayRow>('SELECT * FROM session_gateways WHERE session_id = ? ORDER BY gateway'),
      addGateway: db.prepare('INSERT INTO session_gateways (session_id, gateway, psk_sealed) VALUES (?, ?, ?)'),
      dropGateway: db.prepare('DELETE FROM session_gateways WHERE session_id = ? AND gateway = ?'),
      setVersion: db.prepare('UPDATE session_gateways SET version = ?, acked_at_ms = NULL WHERE session_id = ? AND gateway = ?'),
      ack: db.prepare('UPDATE session_gateways SET acked_at_ms = ? WHERE gateway = ? AND acked_at_ms IS NULL AND version <= ?'),
      servedBy: db.prepare<[string, string], { id: string }>(`SELECT j.value AS id FROM json_each(?) AS j
        WHERE EXISTS (SELECT 1 FROM session_gateways g WHERE g.session_id = j.value AND g.gateway = ?)`),
      onGatewayCount: db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM sessions s
        JOIN session_gateways g ON g.session_id = s.id WHERE g.gateway = ? AND s.state = 'active'`),
      onGateway: db.prepare<[string], SessionRow & { psk_sealed: Buffer }>(`SELECT s.*, g.psk_sealed FROM sessions s
        JOIN session_gateways g ON g.session_id = s.id WHERE g.gateway = ? AND s.state = 'active'`),
    };
  }

  /** Stores a new active session (groups default to none). */
  insert(s: Omit<SessionRecord, 'state' | 'endedAtMs' | 'endReason' | 'groups'> & { groups?: string[] }): void {
    this.stmts.insert.run(s.id, s.user, s.deviceId, s.certSerial, s.overlayAddress, s.wgPublicKey, JSON.stringify(s.posture), s.mfa ? 1 : 0,
      s.createdAtMs, s.expiresAtMs, JSON.stringify(s.entitlements), s.lastHeartbeatMs, JSON.stringify(s.groups ?? []));
  }

  get(id: string): SessionRecord | undefined {
    const r = this.stmts.get.get(id);
    return r && toRecord(r);
  }

  active(): SessionRecord[] {
    return this.stmts.active.all().map(toRecord);
  }

  /**
   * A page of sessions newest first (created_at_ms, then id, descending: a stable order to
   * page through) and the number that match. Only the filters that are set appear in the SQL,
   * so each combination is answered by the index made for it (012_console_indexes.sql).
   */
  list(q: SessionQuery): SessionPage {
    const { page, count } = this.listing(q);
    const params: ListParams = { user: q.user ?? '', device: q.deviceId ?? '', gateway: q.gateway ?? '', id: q.id ?? '',
      limit: q.limit ?? -1, offset: q.offset ?? 0 };
    return { sessions: page.all(params).map(toRecord), total: count.get(params)!.n };
  }

  /** The prepared statements of list() for the filters set in `q`. */
  private listing(q: SessionQuery) {
    const sql = listingSql(q);
    let stmts = this.listings.get(sql.where);
    if (!stmts) {
      stmts = { page: this.db.prepare<[ListParams], SessionRow>(sql.page), count: this.db.prepare<[ListParams], { n: number }>(sql.count) };
      this.listings.set(sql.where, stmts);
    }
    return stmts;
  }

  activeOfUser(user: string): SessionRecord[] {
    return this.stmts.activeOfUser.all(user).map(toRecord);
  }

  /** Active sessions of a user and of a device (the caps of Connect), from the indexes. */
  activeCounts(user: string, deviceId: string): { user: number; device: number } {
    return { user: this.stmts.countOfUser.get(user)!.n, device: this.stmts.countOfDevice.get(deviceId)!.n };
  }

  activeOfDevice(deviceId: string): SessionRecord[] {
    return this.stmts.activeOfDevice.all(deviceId).map(toRecord);
  }

  activeOfCertificate(serial: string): SessionRecord[] {
    return this.stmts.activeOfCert.all(serial).map(toRecord);
  }

  /** Active sessions whose last heartbeat is older than `ms`. */
  silentSince(ms: number): SessionRecord[] {
    return this.stmts.silentSince.all(ms).map(toRecord);
  }

  isAddressLive(address: string): boolean {
    return this.stmts.addressLive.get(address) !== undefined;
  }

  isKeyLive(publicKey: string): boolean {
    return this.stmts.keyLive.get(publicKey) !== undefined;
  }

  /** Ends an active session; false when it was not active. */
  end(id: string, state: Exclude<SessionLifecycle, 'active'>, reason: string, nowMs: number): boolean {
    return this.stmts.end.run(state, nowMs, reason, id).changes === 1;
  }

  update(id: string, entitlements: Entitlement[], expiresAtMs: number, posture: Posture, groups: string[]): void {
    this.stmts.update.run(JSON.stringify(entitlements), expiresAtMs, JSON.stringify(posture), JSON.stringify(groups), id);
  }

  heartbeat(id: string, nowMs: number): void {
    this.stmts.heartbeat.run(nowMs, id);
  }

  /** Treats every live session as heard from at `nowMs` (after a controller restart). */
  graceHeartbeats(nowMs: number): void {
    this.stmts.grace.run(nowMs);
  }

  gateways(sessionId: string): SessionGatewayRecord[] {
    return this.stmts.gateways.all(sessionId).map(toGateway);
  }

  addGateway(sessionId: string, gateway: string, pskSealed: Buffer): void {
    this.stmts.addGateway.run(sessionId, gateway, pskSealed);
  }

  dropGateway(sessionId: string, gateway: string): void {
    this.stmts.dropGateway.run(sessionId, gateway);
  }

  /** The sync version that carried the session's latest change to `gateway` (ack pending). */
  setVersion(sessionId: string, gateway: string, version: number): void {
    this.stmts.setVersion.run(version, sessionId, gateway);
  }

  /** `gateway` applied `version`: every pending change it carried is acknowledged. */
  recordAck(gateway: string, version: number, nowMs: number): void {
    this.stmts.ack.run(nowMs, gateway, version);
  }

  /** Of `sessionIds`, those `gateway` serves or served (it holds or held their peer). */
  servedBy(gateway: string, sessionIds: readonly string[]): Set<string> {
    return new Set(this.stmts.servedBy.all(JSON.stringify(sessionIds), gateway).map((r) => r.id));
  }

  onGatewayCount(gateway: string): number {
    return this.stmts.onGatewayCount.get(gateway)?.n ?? 0;
  }

  /** Active sessions a gateway serves, with their sealed preshared keys for it. */
  onGateway(gateway: string): (SessionRecord & { pskSealed: Buffer })[] {
    return this.stmts.onGateway.all(gateway).map((r) => ({ ...toRecord(r), pskSealed: r.psk_sealed }));
  }
}

/** The page and count statements list() runs for the filters set in `q`; `where` tells the combinations apart. */
export function listingSql(q: SessionQuery): { where: string; page: string; count: string } {
  const terms: string[] = [];
  if (q.id) terms.push('s.id = @id');
  else if (!q.all) terms.push("s.state = 'active'");
  if (q.user) terms.push('s.user_name = @user');
  if (q.deviceId) terms.push('s.device_id = @device');
  if (q.gateway) terms.push('EXISTS (SELECT 1 FROM session_gateways g WHERE g.session_id = s.id AND g.gateway = @gateway)');
  const where = terms.length ? `WHERE ${terms.join(' AND ')}` : '';
  return {
    where,
    page: `SELECT s.* FROM sessions s ${where} ORDER BY s.created_at_ms DESC, s.id DESC LIMIT @limit OFFSET @offset`,
    count: `SELECT count(*) AS n FROM sessions s ${where}`,
  };
}
