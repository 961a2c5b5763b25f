// Gateway telemetry in the store: ingest of one batch as one transaction (idempotent by
// gateway + seq; rows written by multi-row statements, stored values read once per batch
// — ingest rates are in docs/performance.md), the flow and denied-attempt queries attributed to user and device
// (through the sessions table) with their histogram over time, the proxies' HTTP request
// records, live WireGuard figures per session, and retention.
import type { Statement } from 'better-sqlite3';
import type { DB } from '../store/db.js';
import type { TelemetryBatch__Output as TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { FlowRecord__Output as FlowRecord } from '../../proto/generated/wicket/v1/FlowRecord.js';
import type { DeniedAttempt__Output as DeniedAttempt } from '../../proto/generated/wicket/v1/DeniedAttempt.js';
import type { RuleCounter__Output as RuleCounter } from '../../proto/generated/wicket/v1/RuleCounter.js';
import type { PeerStat__Output as PeerStat } from '../../proto/generated/wicket/v1/PeerStat.js';
import type { HttpRequestRecord__Output as HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';

/** What a stored batch changed that detections look at. */
export interface IngestResult {
  /** False when this (gateway, seq) was stored before: nothing was written again. */
  stored: boolean;
  records: number;
  /** New denied attempts per tuple (count increase over what was stored), requests the HTTP proxies refused included. */
  denied: { sessionId: string; attempts: number; atMs: number }[];
  /** Sessions whose WireGuard endpoint changed, with the previous one and when it was reported. */
  endpointChanges: { sessionId: string; gateway: string; from: string; to: string; previousAtMs: number; atMs: number }[];
}

/** Which flows and denied attempts a listing returns: every filter that is set must match. */
export interface TelemetryFilter {
  sessionId?: string;
  /** Records of this user's sessions. */
  user?: string;
  /** Records of this device's sessions. */
  deviceId?: string;
  sinceMs?: number;
  limit: number;
  /** Skip this many matching records first (newest first). */
  offset?: number;
}

/** One time bucket of a histogram: flow records that ended in it, denied attempts (summed counts) last seen in it. */
export interface TelemetryBucket { startMs: number; flows: number; denied: number }

export interface Attribution { username: string; deviceId: string; gateway: string }

export interface RetentionLimits {
  /** Records older than this are deleted. */
  maxAgeMs: number;
  /** At most this many flows, this many denied-attempt rows and this many HTTP requests are kept (newest win). */
  maxRows: number;
}

export interface SessionStats { rxBytes: number; txBytes: number; lastHandshakeMs: number }

type FlowRow = { session_id: string; source: string; destination: string; protocol: string; port: number; started_at_ms: number; ended_at_ms: number;
  bytes_out: number; bytes_in: number; gateway: string; user_name: string | null; device_id: string | null };
type DeniedRow = { session_id: string; source: string; destination: string; protocol: string; port: number; count: number; first_seen_ms: number;
  last_seen_ms: number; gateway: string; user_name: string | null; device_id: string | null };
type HttpRow = { gateway: string; session_id: string; resource: string; method: string; hostname: string; path: string; status: number;
  bytes_in: number; bytes_out: number; started_at_ms: number; duration_us: number; username: string; device_id: string; denied_reason: string; tunnel: number };

/** Rows per multi-row INSERT: at most 100 * 15 parameters, well under SQLite's 32,766. */
const CHUNK_ROWS = 100;

/**
 * Appends many rows of one kind: CHUNK_ROWS rows per statement (one call into SQLite per
 * chunk instead of per row), bound from one reused parameter array so a batch makes no
 * per-row garbage; the remainder goes row by row.
 */
class ChunkedInsert<T, C> {
  private readonly one;
  private readonly chunk;
  private readonly args: unknown[];

  /** `head` is "INSERT INTO t (a, b)", `tail` an optional ON CONFLICT clause; `bind` writes one row's `columns` values at `args[at]`. */
  constructor(db: DB, head: string, private readonly columns: number, tail: string,
    private readonly bind: (args: unknown[], at: number, row: T, context: C) => void) {
    const sql = (rows: number) => `${head} VALUES ${new Array(rows).fill(`(${new Array(columns).fill('?').join(', ')})`).join(', ')} ${tail}`;
    this.one = db.prepare(sql(1));
    this.chunk = db.prepare(sql(CHUNK_ROWS));
    this.args = new Array(CHUNK_ROWS * columns);
  }

  run(rows: readonly T[], context: C): void {
    const whole = rows.length - (rows.length % CHUNK_ROWS);
    for (let i = 0; i < whole; i++) {
      this.bind(this.args, (i % CHUNK_ROWS) * this.columns, rows[i]!, context);
      if (i % CHUNK_ROWS === CHUNK_ROWS - 1) this.chunk.run(this.args);
    }
    const single = new Array(this.columns);
    for (let i = whole; i < rows.length; i++) {
      this.bind(single, 0, rows[i]!, context);
      this.one.run(single);
    }
  }
}

/** A denied tuple's unique key (without the gateway) as JSON: the lookup's parameter element and the map key. */
function deniedKey(source: string, destination: string, protocol: string, port: number, firstSeenMs: number): string {
  return JSON.stringify([source, destination, protocol, port, firstSeenMs]);
}

type DeniedKeyRow = { source: string; destination: string; protocol: string; port: number; first_seen_ms: number; count: number };

/** What every row of a batch shares. */
interface BatchContext { gateway: string; collectedAtMs: number }

/** The user and device of each session the batch's HTTP requests name, as the sessions table says. */
type SessionOwners = Map<string, { user: string; device: string }>;

type FilterParams = { session: string; user: string; device: string; since: number; limit: number; offset: number };
type HistogramParams = FilterParams & { bucket: number; buckets: number };

/**
 * The WHERE terms (on table alias `t`) of the filters set in `f`. Only those appear, so the
 * statement walks the time index newest first (flows and denied attempts have no per-session
 * index: 006_telemetry_indexes.sql) and tests each row's session against the user's or
 * device's sessions, read once from the sessions indexes.
 */
function filterTerms(f: Omit<TelemetryFilter, 'limit'>): string {
  let terms = '';
  if (f.sessionId) terms += ' AND t.session_id = @session';
  if (f.user) terms += ' AND t.session_id IN (SELECT id FROM sessions WHERE user_name = @user)';
  if (f.deviceId) terms += ' AND t.session_id IN (SELECT id FROM sessions WHERE device_id = @device)';
  return terms;
}

/** The statements TelemetryStore runs for the filters set in `f` (exported for the query-plan tests). */
export function telemetrySql(f: Omit<TelemetryFilter, 'limit'>): { flows: string; denied: string; histogram: string; http: string } {
  const terms = filterTerms(f);
  return {
    flows: `SELECT t.*, s.user_name, s.device_id FROM flows t LEFT JOIN sessions s ON s.id = t.session_id
      WHERE t.ended_at_ms >= @since${terms} ORDER BY t.ended_at_ms DESC, t.id DESC LIMIT @limit OFFSET @offset`,
    denied: `SELECT t.*, s.user_name, s.device_id FROM denied_attempts t LEFT JOIN sessions s ON s.id = t.session_id
      WHERE t.last_seen_ms >= @since${terms} ORDER BY t.last_seen_ms DESC, t.id DESC LIMIT @limit OFFSET @offset`,
    // One count per bucket, each a range of the time index: sorting every record in the
    // window into groups (GROUP BY on the bucket number) costs far more than the counts.
    histogram: `WITH RECURSIVE b(start, n) AS (SELECT @since, 1 UNION ALL SELECT start + @bucket, n + 1 FROM b WHERE n < @buckets)
      SELECT start AS startMs,
        (SELECT count(*) FROM flows t WHERE t.ended_at_ms >= b.start AND t.ended_at_ms < b.start + @bucket${terms}) AS flows,
        (SELECT coalesce(sum(t.count), 0) FROM denied_attempts t WHERE t.last_seen_ms >= b.start AND t.last_seen_ms < b.start + @bucket${terms}) AS denied
      FROM b ORDER BY start`,
    http: `SELECT t.* FROM http_requests t WHERE t.started_at_ms >= @since${httpTerms(f)} ORDER BY t.started_at_ms DESC, t.id DESC LIMIT @limit OFFSET @offset`,
  };
}

/**
 * The WHERE terms of an HTTP request listing: a request carries its own user and device (a
 * browser without the tunnel has no session), tested while walking the time index as the
 * flows' filters are (014_http_requests.sql).
 */
function httpTerms(f: Omit<TelemetryFilter, 'limit'>): string {
  let terms = '';
  if (f.sessionId) terms += ' AND t.session_id = @session';
  if (f.user) terms += ' AND t.username = @user';
  if (f.deviceId) terms += ' AND t.device_id = @device';
  return terms;
}

export class TelemetryStore {
  private readonly stmts;
  private readonly ingestTx: (gateway: string, batch: TelemetryBatch, nowMs: number) => IngestResult;
  private readonly filtered = new Map<string, { flows: Statement<[FilterParams], FlowRow>; denied: Statement<[FilterParams], DeniedRow>;
    histogram: Statement<[HistogramParams], TelemetryBucket>; http: Statement<[FilterParams], HttpRow> }>();

  constructor(private readonly db: DB) {
    this.stmts = {
      batch: db.prepare(`INSERT INTO telemetry_batches (gateway, seq, collected_at_ms, received_at_ms, records, dropped_records)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      flowInsert: new ChunkedInsert<FlowRecord, BatchContext>(db,
        'INSERT INTO flows (gateway, session_id, source, destination, protocol, port, started_at_ms, ended_at_ms, bytes_out, bytes_in)', 10, '',
        (a, k, f, c) => {
          a[k] = c.gateway; a[k + 1] = f.sessionId; a[k + 2] = f.source; a[k + 3] = f.destination; a[k + 4] = f.protocol;
          a[k + 5] = f.port; a[k + 6] = f.startedAtMs; a[k + 7] = f.endedAtMs; a[k + 8] = f.bytesOut; a[k + 9] = f.bytesIn;
        }),
      // A request of a session is attributed to the session's user and device, not to what
      // the gateway wrote (the user and device of a request without a session stand as reported).
      httpInsert: new ChunkedInsert<HttpRequestRecord, BatchContext & { owners: SessionOwners }>(db,
        `INSERT INTO http_requests (gateway, session_id, resource, method, hostname, path, status, bytes_in, bytes_out, started_at_ms,
        duration_us, username, device_id, denied_reason, tunnel)`, 15, '',
        (a, k, r, c) => {
          const owner = r.sessionId ? c.owners.get(r.sessionId) : undefined;
          a[k] = c.gateway; a[k + 1] = r.sessionId; a[k + 2] = r.resource; a[k + 3] = r.method; a[k + 4] = r.hostname; a[k + 5] = r.path;
          a[k + 6] = r.status; a[k + 7] = r.bytesIn; a[k + 8] = r.bytesOut; a[k + 9] = r.startedAtMs; a[k + 10] = r.durationUs;
          a[k + 11] = owner ? owner.user : r.username; a[k + 12] = owner ? owner.device : r.deviceId; a[k + 13] = r.deniedReason; a[k + 14] = r.tunnel ? 1 : 0;
        }),
      owners: db.prepare<[string], { id: string; user_name: string; device_id: string }>(
        'SELECT id, user_name, device_id FROM sessions WHERE id IN (SELECT value FROM json_each(?))'),
      // What is stored for a batch's tuples and sessions, read in one statement each (the
      // batch's keys as one JSON array; json_each drives lookups on the unique key/primary key).
      deniedBefore: db.prepare<[{ gateway: string; tuples: string }], DeniedKeyRow>(`SELECT d.source, d.destination, d.protocol, d.port,
        d.first_seen_ms, d.count FROM json_each(@tuples) AS j CROSS JOIN denied_attempts AS d WHERE d.gateway = @gateway AND d.source = j.value ->> 0
        AND d.destination = j.value ->> 1 AND d.protocol = j.value ->> 2 AND d.port = j.value ->> 3 AND d.first_seen_ms = j.value ->> 4`),
      peersBefore: db.prepare<[string, string], { session_id: string; endpoint: string; updated_at_ms: number }>(`SELECT session_id, endpoint,
        updated_at_ms FROM peer_stats WHERE gateway = ? AND session_id IN (SELECT value FROM json_each(?))`),
      deniedUpsert: new ChunkedInsert<DeniedAttempt, BatchContext>(db,
        'INSERT INTO denied_attempts (gateway, session_id, source, destination, protocol, port, count, first_seen_ms, last_seen_ms)', 9,
        `ON CONFLICT (gateway, source, destination, protocol, port, first_seen_ms)
        DO UPDATE SET count = max(count, excluded.count), last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
        (a, k, d, c) => {
          a[k] = c.gateway; a[k + 1] = d.sessionId; a[k + 2] = d.source; a[k + 3] = d.destination; a[k + 4] = d.protocol;
          a[k + 5] = d.port; a[k + 6] = d.count; a[k + 7] = d.firstSeenMs; a[k + 8] = d.lastSeenMs;
        }),
      peerUpsert: new ChunkedInsert<PeerStat, BatchContext>(db,
        'INSERT INTO peer_stats (session_id, gateway, endpoint, last_handshake_ms, rx_bytes, tx_bytes, updated_at_ms)', 7,
        `ON CONFLICT (session_id, gateway) DO UPDATE SET endpoint = excluded.endpoint, last_handshake_ms = excluded.last_handshake_ms,
        rx_bytes = excluded.rx_bytes, tx_bytes = excluded.tx_bytes, updated_at_ms = excluded.updated_at_ms`,
        (a, k, p, c) => {
          a[k] = p.sessionId; a[k + 1] = c.gateway; a[k + 2] = p.endpoint; a[k + 3] = p.lastHandshakeMs; a[k + 4] = p.rxBytes;
          a[k + 5] = p.txBytes; a[k + 6] = c.collectedAtMs;
        }),
      // Within one statement SQLite applies the rows in order, so a tuple repeated in a batch ends at its last values, as row by row.
      counterUpsert: new ChunkedInsert<RuleCounter, BatchContext>(db,
        'INSERT INTO rule_counters (gateway, session_id, destination, protocol, port_from, port_to, packets, bytes, updated_at_ms)', 9,
        `ON CONFLICT (gateway, session_id, destination, protocol, port_from, port_to)
        DO UPDATE SET packets = excluded.packets, bytes = excluded.bytes, updated_at_ms = excluded.updated_at_ms`,
        (a, k, r, c) => {
          a[k] = c.gateway; a[k + 1] = r.sessionId; a[k + 2] = r.destination; a[k + 3] = r.protocol; a[k + 4] = r.portFrom;
          a[k + 5] = r.portTo; a[k + 6] = r.packets; a[k + 7] = r.bytes; a[k + 8] = c.collectedAtMs;
        }),
      stats: db.prepare<[string], { rx: number | null; tx: number | null; hs: number | null }>(
        'SELECT sum(rx_bytes) AS rx, sum(tx_bytes) AS tx, max(last_handshake_ms) AS hs FROM peer_stats WHERE session_id = ?'),
      pruneAge: [
        db.prepare('DELETE FROM flows WHERE ended_at_ms < ?'),
        db.prepare('DELETE FROM denied_attempts WHERE last_seen_ms < ?'),
        db.prepare('DELETE FROM http_requests WHERE started_at_ms < ?'),
        db.prepare('DELETE FROM peer_stats WHERE updated_at_ms < ?'),
        db.prepare('DELETE FROM rule_counters WHERE updated_at_ms < ?'),
        db.prepare('DELETE FROM telemetry_batches WHERE received_at_ms < ?'),
      ],
      // ids grow with insertion, so "all but the newest N" is everything up to one id.
      pruneRows: [
        db.prepare('DELETE FROM flows WHERE id <= (SELECT id FROM flows ORDER BY id DESC LIMIT 1 OFFSET ?)'),
        db.prepare('DELETE FROM denied_attempts WHERE id <= (SELECT id FROM denied_attempts ORDER BY id DESC LIMIT 1 OFFSET ?)'),
        db.prepare('DELETE FROM http_requests WHERE id <= (SELECT id FROM http_requests ORDER BY id DESC LIMIT 1 OFFSET ?)'),
      ],
      counts: db.prepare<[], { flows: number; denied: number; http: number }>(`SELECT (SELECT count(*) FROM flows) AS flows,
        (SELECT count(*) FROM denied_attempts) AS denied, (SELECT count(*) FROM http_requests) AS http`),
    };
    this.ingestTx = db.transaction((gateway: string, batch: TelemetryBatch, nowMs: number) => this.write(gateway, batch, nowMs));
  }

  /** Stores one batch in one transaction; a batch already stored (same gateway and seq) writes nothing. */
  ingest(gateway: string, batch: TelemetryBatch, nowMs: number): IngestResult {
    return this.ingestTx(gateway, batch, nowMs);
  }

  private write(gateway: string, b: TelemetryBatch, nowMs: number): IngestResult {
    const records = b.peers.length + b.counters.length + b.denied.length + b.flows.length + b.httpRequests.length;
    const result: IngestResult = { stored: false, records, denied: [], endpointChanges: [] };
    if (this.stmts.batch.run(gateway, b.seq, b.collectedAtMs, nowMs, records, b.droppedRecords).changes === 0) return result;
    result.stored = true;
    const s = this.stmts;
    const shared: BatchContext = { gateway, collectedAtMs: b.collectedAtMs };
    s.flowInsert.run(b.flows, shared);
    if (b.httpRequests.length) s.httpInsert.run(b.httpRequests, { ...shared, owners: this.owners(b.httpRequests) });
    if (b.denied.length) {
      result.denied = this.deniedIncreases(gateway, b.denied);
      s.deniedUpsert.run(b.denied, shared);
    }
    if (b.peers.length) {
      result.endpointChanges = this.endpointChanges(gateway, b);
      s.peerUpsert.run(b.peers, shared);
    }
    s.counterUpsert.run(b.counters, shared);
    return result;
  }

  /**
   * How much each denied tuple's count rose over what was stored. A tuple repeated within the
   * batch is compared with its previous report in the batch, exactly as row-by-row upserts would.
   */
  private deniedIncreases(gateway: string, denied: DeniedAttempt[]): IngestResult['denied'] {
    const keys = denied.map((d) => deniedKey(d.source, d.destination, d.protocol, d.port, d.firstSeenMs));
    const stored = new Map<string, number>();
    for (const r of this.stmts.deniedBefore.all({ gateway, tuples: `[${keys.join(',')}]` })) {
      stored.set(deniedKey(r.source, r.destination, r.protocol, r.port, r.first_seen_ms), r.count);
    }
    const increases: IngestResult['denied'] = [];
    denied.forEach((d, i) => {
      const before = stored.get(keys[i]!) ?? 0;
      if (d.count > before && d.sessionId) increases.push({ sessionId: d.sessionId, attempts: d.count - before, atMs: d.lastSeenMs });
      stored.set(keys[i]!, Math.max(before, d.count));
    });
    return increases;
  }

  /** The user and device of every session the requests name, read in one statement. */
  private owners(requests: HttpRequestRecord[]): SessionOwners {
    const ids = new Set<string>();
    for (const r of requests) if (r.sessionId) ids.add(r.sessionId);
    const owners: SessionOwners = new Map();
    if (ids.size) for (const o of this.stmts.owners.all(JSON.stringify([...ids]))) owners.set(o.id, { user: o.user_name, device: o.device_id });
    return owners;
  }

  /** Sessions whose endpoint differs from the one stored (or reported earlier in the same batch). */
  private endpointChanges(gateway: string, b: TelemetryBatch): IngestResult['endpointChanges'] {
    const previous = new Map<string, { endpoint: string; updated_at_ms: number }>();
    for (const r of this.stmts.peersBefore.all(gateway, JSON.stringify(b.peers.map((p) => p.sessionId)))) previous.set(r.session_id, r);
    const changes: IngestResult['endpointChanges'] = [];
    for (const p of b.peers) {
      const before = previous.get(p.sessionId);
      if (before && before.endpoint && p.endpoint && before.endpoint !== p.endpoint) {
        changes.push({ sessionId: p.sessionId, gateway, from: before.endpoint, to: p.endpoint, previousAtMs: before.updated_at_ms, atMs: b.collectedAtMs });
      }
      previous.set(p.sessionId, { endpoint: p.endpoint, updated_at_ms: b.collectedAtMs });
    }
    return changes;
  }

  /** A session's WireGuard figures summed over its gateways, or undefined before any report. */
  sessionStats(sessionId: string): SessionStats | undefined {
    const r = this.stmts.stats.get(sessionId);
    if (!r || r.hs === null) return undefined;
    return { rxBytes: r.rx ?? 0, txBytes: r.tx ?? 0, lastHandshakeMs: r.hs };
  }

  /** The statements of the filters set in `f`, prepared on first use. */
  private queries(f: Omit<TelemetryFilter, 'limit'>) {
    const key = filterTerms(f);
    let q = this.filtered.get(key);
    if (!q) {
      const sql = telemetrySql(f);
      q = {
        flows: this.db.prepare<[FilterParams], FlowRow>(sql.flows),
        denied: this.db.prepare<[FilterParams], DeniedRow>(sql.denied),
        histogram: this.db.prepare<[HistogramParams], TelemetryBucket>(sql.histogram),
        http: this.db.prepare<[FilterParams], HttpRow>(sql.http),
      };
      this.filtered.set(key, q);
    }
    return q;
  }

  flows(f: TelemetryFilter): (FlowRecord & Attribution)[] {
    return this.queries(f).flows.all(params(f)).map((r) => ({
      sessionId: r.session_id, source: r.source, destination: r.destination, protocol: r.protocol, port: r.port,
      startedAtMs: r.started_at_ms, endedAtMs: r.ended_at_ms, bytesOut: r.bytes_out, bytesIn: r.bytes_in,
      gateway: r.gateway, username: r.user_name ?? '', deviceId: r.device_id ?? '',
    }));
  }

  denied(f: TelemetryFilter): (DeniedAttempt & Attribution)[] {
    return this.queries(f).denied.all(params(f)).map((r) => ({
      sessionId: r.session_id, source: r.source, destination: r.destination, protocol: r.protocol, port: r.port,
      count: r.count, firstSeenMs: r.first_seen_ms, lastSeenMs: r.last_seen_ms,
      gateway: r.gateway, username: r.user_name ?? '', deviceId: r.device_id ?? '',
    }));
  }

  /** Requests through the gateways' proxies matching `f`, newest first (by start), with the reporting gateway. */
  httpRequests(f: TelemetryFilter): (HttpRequestRecord & { gateway: string })[] {
    return this.queries(f).http.all(params(f)).map((r) => ({
      sessionId: r.session_id, resource: r.resource, method: r.method, hostname: r.hostname, path: r.path, status: r.status,
      bytesIn: r.bytes_in, bytesOut: r.bytes_out, startedAtMs: r.started_at_ms, durationUs: r.duration_us, username: r.username,
      deviceId: r.device_id, deniedReason: r.denied_reason, tunnel: r.tunnel === 1, gateway: r.gateway,
    }));
  }

  /**
   * Flow records and denied attempts matching `f` (limit and offset aside) per bucket of
   * `bucketMs` from `f.sinceMs` until `untilMs`, oldest first; the caller bounds the count.
   */
  histogram(f: Omit<TelemetryFilter, 'limit'>, bucketMs: number, untilMs: number): TelemetryBucket[] {
    const buckets = Math.ceil((untilMs - (f.sinceMs ?? 0)) / bucketMs);
    if (buckets <= 0) return [];
    return this.queries(f).histogram.all({ ...params({ ...f, limit: 0 }), bucket: bucketMs, buckets });
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
  counts(): { flows: number; denied: number; http: number } {
    return this.stmts.counts.get()!;
  }
}

function params(f: TelemetryFilter): FilterParams {
  return { session: f.sessionId ?? '', user: f.user ?? '', device: f.deviceId ?? '', since: f.sinceMs ?? 0, limit: f.limit, offset: f.offset ?? 0 };
}
