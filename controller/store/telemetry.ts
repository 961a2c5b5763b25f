// Gateway telemetry in the store: ingest of one batch as one transaction (idempotent by
// gateway + seq), the flow and denied-attempt queries attributed to user and device
// (through the sessions table), live WireGuard figures per session, and retention.
import type { DB } from './db.js';
import type { TelemetryBatch__Output as TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { FlowRecord__Output as FlowRecord } from '../../proto/generated/wicket/v1/FlowRecord.js';
import type { DeniedAttempt__Output as DeniedAttempt } from '../../proto/generated/wicket/v1/DeniedAttempt.js';

/** What a stored batch changed that detections look at. */
export interface IngestResult {
  /** False when this (gateway, seq) was stored before: nothing was written again. */
  stored: boolean;
  records: number;
  /** New denied attempts per tuple (count increase over what was stored). */
  denied: { sessionId: string; attempts: number; atMs: number }[];
  /** Sessions whose WireGuard endpoint changed, with the previous one and when it was reported. */
  endpointChanges: { sessionId: string; gateway: string; from: string; to: string; previousAtMs: number; atMs: number }[];
}

export interface TelemetryFilter {
  sessionId?: string;
  user?: string;
  sinceMs?: number;
  limit: number;
}

export interface Attribution { username: string; deviceId: string; gateway: string }

export interface RetentionLimits {
  /** Records older than this are deleted. */
  maxAgeMs: number;
  /** At most this many flows and this many denied-attempt rows are kept (newest win). */
  maxRows: number;
}

export interface SessionStats { rxBytes: number; txBytes: number; lastHandshakeMs: number }

type FlowRow = { session_id: string; source: string; destination: string; protocol: string; port: number; started_at_ms: number; ended_at_ms: number;
  bytes_out: number; bytes_in: number; gateway: string; user_name: string | null; device_id: string | null };
type DeniedRow = { session_id: string; source: string; destination: string; protocol: string; port: number; count: number; first_seen_ms: number;
  last_seen_ms: number; gateway: string; user_name: string | null; device_id: string | null };

const FILTER = `(@session = '' OR t.session_id = @session) AND (@user = '' OR s.user_name = @user)`;

export class TelemetryStore {
  private readonly stmts;
  private readonly ingestTx: (gateway: string, batch: TelemetryBatch, nowMs: number) => IngestResult;

  constructor(private readonly db: DB) {
    this.stmts = {
      batch: db.prepare(`INSERT INTO telemetry_batches (gateway, seq, collected_at_ms, received_at_ms, records, dropped_records)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      flow: db.prepare(`INSERT INTO flows (gateway, session_id, source, destination, protocol, port, started_at_ms, ended_at_ms, bytes_out, bytes_in)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      deniedCount: db.prepare<[string, string, string, string, number, number], { count: number }>(`SELECT count FROM denied_attempts
        WHERE gateway = ? AND source = ? AND destination = ? AND protocol = ? AND port = ? AND first_seen_ms = ?`),
      denied: db.prepare(`INSERT INTO denied_attempts (gateway, session_id, source, destination, protocol, port, count, first_seen_ms, last_seen_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (gateway, source, destination, protocol, port, first_seen_ms)
        DO UPDATE SET count = max(count, excluded.count), last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`),
      peerBefore: db.prepare<[string, string], { endpoint: string; updated_at_ms: number }>('SELECT endpoint, updated_at_ms FROM peer_stats WHERE session_id = ? AND gateway = ?'),
      peer: db.prepare(`INSERT INTO peer_stats (session_id, gateway, endpoint, last_handshake_ms, rx_bytes, tx_bytes, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (session_id, gateway) DO UPDATE SET endpoint = excluded.endpoint, last_handshake_ms = excluded.last_handshake_ms,
        rx_bytes = excluded.rx_bytes, tx_bytes = excluded.tx_bytes, updated_at_ms = excluded.updated_at_ms`),
      counter: db.prepare(`INSERT INTO rule_counters (gateway, session_id, destination, protocol, port_from, port_to, packets, bytes, updated_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (gateway, session_id, destination, protocol, port_from, port_to)
        DO UPDATE SET packets = excluded.packets, bytes = excluded.bytes, updated_at_ms = excluded.updated_at_ms`),
      stats: db.prepare<[string], { rx: number | null; tx: number | null; hs: number | null }>(
        'SELECT sum(rx_bytes) AS rx, sum(tx_bytes) AS tx, max(last_handshake_ms) AS hs FROM peer_stats WHERE session_id = ?'),
      flows: db.prepare<[{ session: string; user: string; since: number; limit: number }], FlowRow>(`SELECT t.*, s.user_name, s.device_id FROM flows t
        LEFT JOIN sessions s ON s.id = t.session_id WHERE t.ended_at_ms >= @since AND ${FILTER} ORDER BY t.ended_at_ms DESC, t.id DESC LIMIT @limit`),
      deniedList: db.prepare<[{ session: string; user: string; since: number; limit: number }], DeniedRow>(`SELECT t.*, s.user_name, s.device_id FROM denied_attempts t
        LEFT JOIN sessions s ON s.id = t.session_id WHERE t.last_seen_ms >= @since AND ${FILTER} ORDER BY t.last_seen_ms DESC, t.id DESC LIMIT @limit`),
      pruneAge: [
        db.prepare('DELETE FROM flows WHERE ended_at_ms < ?'),
        db.prepare('DELETE FROM denied_attempts WHERE last_seen_ms < ?'),
        db.prepare('DELETE FROM peer_stats WHERE updated_at_ms < ?'),
        db.prepare('DELETE FROM rule_counters WHERE updated_at_ms < ?'),
        db.prepare('DELETE FROM telemetry_batches WHERE received_at_ms < ?'),
      ],
      // ids grow with insertion, so "all but the newest N" is everything up to one id.
      pruneRows: [
        db.prepare('DELETE FROM flows WHERE id <= (SELECT id FROM flows ORDER BY id DESC LIMIT 1 OFFSET ?)'),
        db.prepare('DELETE FROM denied_attempts WHERE id <= (SELECT id FROM denied_attempts ORDER BY id DESC LIMIT 1 OFFSET ?)'),
      ],
      counts: db.prepare<[], { flows: number; denied: number }>('SELECT (SELECT count(*) FROM flows) AS flows, (SELECT count(*) FROM denied_attempts) AS denied'),
    };
    this.ingestTx = db.transaction((gateway: string, batch: TelemetryBatch, nowMs: number) => this.write(gateway, batch, nowMs));
  }

  /** Stores one batch in one transaction; a batch already stored (same gateway and seq) writes nothing. */
  ingest(gateway: string, batch: TelemetryBatch, nowMs: number): IngestResult {
    return this.ingestTx(gateway, batch, nowMs);
  }

  private write(gateway: string, b: TelemetryBatch, nowMs: number): IngestResult {
    const records = b.peers.length + b.counters.length + b.denied.length + b.flows.length;
    const result: IngestResult = { stored: false, records, denied: [], endpointChanges: [] };
    if (this.stmts.batch.run(gateway, b.seq, b.collectedAtMs, nowMs, records, b.droppedRecords).changes === 0) return result;
    result.stored = true;
    const s = this.stmts;
    for (const f of b.flows) s.flow.run(gateway, f.sessionId, f.source, f.destination, f.protocol, f.port, f.startedAtMs, f.endedAtMs, f.bytesOut, f.bytesIn);
    for (const d of b.denied) {
      const before = s.deniedCount.get(gateway, d.source, d.destination, d.protocol, d.port, d.firstSeenMs)?.count ?? 0;
      s.denied.run(gateway, d.sessionId, d.source, d.destination, d.protocol, d.port, d.count, d.firstSeenMs, d.lastSeenMs);
      if (d.count > before && d.sessionId) result.denied.push({ sessionId: d.sessionId, attempts: d.count - before, atMs: d.lastSeenMs });
    }
    for (const p of b.peers) {
      const before = s.peerBefore.get(p.sessionId, gateway);
      if (before && before.endpoint && p.endpoint && before.endpoint !== p.endpoint) {
        result.endpointChanges.push({ sessionId: p.sessionId, gateway, from: before.endpoint, to: p.endpoint, previousAtMs: before.updated_at_ms, atMs: b.collectedAtMs });
      }
      s.peer.run(p.sessionId, gateway, p.endpoint, p.lastHandshakeMs, p.rxBytes, p.txBytes, b.collectedAtMs);
    }
    for (const c of b.counters) s.counter.run(gateway, c.sessionId, c.destination, c.protocol, c.portFrom, c.portTo, c.packets, c.bytes, b.collectedAtMs);
    return result;
  }

  /** A session's WireGuard figures summed over its gateways, or undefined before any report. */
  sessionStats(sessionId: string): SessionStats | undefined {
    const r = this.stmts.stats.get(sessionId);
    if (!r || r.hs === null) return undefined;
    return { rxBytes: r.rx ?? 0, txBytes: r.tx ?? 0, lastHandshakeMs: r.hs };
  }

  flows(f: TelemetryFilter): (FlowRecord & Attribution)[] {
    return this.stmts.flows.all(params(f)).map((r) => ({
      sessionId: r.session_id, source: r.source, destination: r.destination, protocol: r.protocol, port: r.port,
      startedAtMs: r.started_at_ms, endedAtMs: r.ended_at_ms, bytesOut: r.bytes_out, bytesIn: r.bytes_in,
      gateway: r.gateway, username: r.user_name ?? '', deviceId: r.device_id ?? '',
    }));
  }

  denied(f: TelemetryFilter): (DeniedAttempt & Attribution)[] {
    return this.stmts.deniedList.all(params(f)).map((r) => ({
      sessionId: r.session_id, source: r.source, destination: r.destination, protocol: r.protocol, port: r.port,
      count: r.count, firstSeenMs: r.first_seen_ms, lastSeenMs: r.last_seen_ms,
      gateway: r.gateway, username: r.user_name ?? '', deviceId: r.device_id ?? '',
    }));
  }

  /** Deletes what is older than the age limit, then the oldest rows beyond the row limit; returns rows deleted. */
  prune(limits: RetentionLimits, nowMs: number): number {
    return this.db.transaction(() => {
      let n = 0;
      for (const st of this.stmts.pruneAge) n += st.run(nowMs - limits.maxAgeMs).changes;
      for (const st of this.stmts.pruneRows) n += st.run(limits.maxRows).changes;
      return n;
    })();
  }

  /** Rows held (for tests and metrics). */
  counts(): { flows: number; denied: number } {
    return this.stmts.counts.get()!;
  }
}

function params(f: TelemetryFilter) {
  return { session: f.sessionId ?? '', user: f.user ?? '', since: f.sinceMs ?? 0, limit: f.limit };
}
