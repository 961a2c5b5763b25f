// Gateway telemetry in the store: ingest of one batch (idempotent by gateway + seq; the caller
// runs it in one transaction; rows written by multi-row statements, stored values read once
// per batch — ingest rates are in docs/performance.md), the flow and denied-attempt queries
// attributed to user and device (through the sessions table) with their histogram over time,
// the proxies' HTTP request records, live WireGuard figures per session, and retention. The
// same queries run on SQLite and PostgreSQL.
import { CompiledQuery, type ExpressionBuilder, type Expression, type Insertable, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { Schema } from '../store/schema.js';
import type { TelemetryBatch__Output as TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { FlowRecord__Output as FlowRecord } from '../../proto/generated/wicket/v1/FlowRecord.js';
import type { DeniedAttempt__Output as DeniedAttempt } from '../../proto/generated/wicket/v1/DeniedAttempt.js';
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

/**
 * Bound parameters per multi-row statement, at most: well under SQLite's 32,766 and
 * PostgreSQL's 65,535, and large enough that a batch takes few round trips.
 */
const MAX_PARAMETERS = 16_384;
/** Values per `IN (...)` list or row-value list. */
const IN_CHUNK = 500;

/** What the queries run on: the database or an open transaction (store.ts's Executor, named here without importing the Store that imports this file). */
type Executor = Kysely<Schema>;

type InsertTable = 'flows' | 'http_requests' | 'denied_attempts' | 'peer_stats' | 'rule_counters';

/**
 * The SQL of a multi-row INSERT of `rows` rows, compiled by Kysely once per table, shape and
 * dialect and then reused with new parameters: compiling a statement of a thousand rows costs
 * about as much as storing them, and on SQLite the same text also reuses one prepared
 * statement (sqlite.ts). Row counts are powers of two, so a table has a handful of texts.
 */
const compiled = new Map<string, string>();

/** Splits `n` rows into statement sizes: whole chunks of `max`, then the remainder's powers of two, largest first. */
export function chunkSizes(n: number, max: number): number[] {
  const sizes: number[] = [];
  let left = n;
  for (; left >= max; left -= max) sizes.push(max);
  for (let size = max >> 1; size >= 1; size >>= 1) if (left & size) sizes.push(size);
  return sizes;
}

/** The largest power of two of rows of `columns` values that stays within MAX_PARAMETERS. */
function maxRows(columns: number): number {
  let rows = 1;
  while (rows * 2 * columns <= MAX_PARAMETERS) rows *= 2;
  return rows;
}

/**
 * Appends `rows` (already mapped to table rows, every row with the same keys in the same
 * order) in as few statements as the parameter limit allows. `build` makes the statement
 * (with its ON CONFLICT clause) for a list of rows; it runs only to compile a new shape.
 */
async function insertRows<T extends InsertTable>(db: Executor, dialect: Dialect, table: T, rows: readonly Insertable<Schema[T]>[],
  build: (values: Insertable<Schema[T]>[]) => { compile(): CompiledQuery }): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!) as (keyof Insertable<Schema[T]>)[];
  let at = 0;
  for (const size of chunkSizes(rows.length, maxRows(columns.length))) {
    const key = `${dialect} ${table} ${size}`;
    let text = compiled.get(key);
    if (text === undefined) {
      const query = build(new Array<Insertable<Schema[T]>>(size).fill(rows[0]!)).compile();
      if (query.parameters.length !== size * columns.length) throw new Error(`${table}: a row of ${columns.length} values compiled to ${query.parameters.length / size}`);
      text = query.sql;
      compiled.set(key, text);
    }
    const parameters: unknown[] = new Array(size * columns.length);
    let k = 0;
    for (let i = at; i < at + size; i++) {
      const row = rows[i]!;
      for (const c of columns) parameters[k++] = row[c];
    }
    await db.executeQuery(CompiledQuery.raw(text, parameters));
    at += size;
  }
}

/** A denied tuple's unique key (without the gateway): the map key of what is stored and reported. */
function deniedKey(source: string, destination: string, protocol: string, port: number, firstSeenMs: number): string {
  return JSON.stringify([source, destination, protocol, port, firstSeenMs]);
}

/** Splits `items` into lists of at most IN_CHUNK. */
function inChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) chunks.push(items.slice(i, i + IN_CHUNK));
  return chunks;
}

/** The user and device of each session the batch's HTTP requests name, as the sessions table says. */
type SessionOwners = Map<string, { user: string; device: string }>;

/** The tables a filter refers to: the listed table as `t`, and the sessions. */
type FilterTables = { t: { session_id: string } } & Pick<Schema, 'sessions'>;

/**
 * The filters set in `f` as WHERE terms on alias `t`. Only those appear, so the statement
 * walks the time index newest first (flows and denied attempts have no per-session index:
 * 006_telemetry_indexes.ts) and tests each row's session against the user's or device's
 * sessions, read once from the sessions indexes.
 */
function sessionTerms(eb: ExpressionBuilder<FilterTables, 't'>, f: Omit<TelemetryFilter, 'limit'>): Expression<SqlBool>[] {
  const terms: Expression<SqlBool>[] = [];
  if (f.sessionId) terms.push(eb('t.session_id', '=', f.sessionId));
  if (f.user) terms.push(eb('t.session_id', 'in', eb.selectFrom('sessions').select('sessions.id').where('sessions.user_name', '=', f.user)));
  if (f.deviceId) terms.push(eb('t.session_id', 'in', eb.selectFrom('sessions').select('sessions.id').where('sessions.device_id', '=', f.deviceId)));
  return terms;
}

/**
 * The filters of an HTTP request listing: a request carries its own user and device (a
 * browser without the tunnel has no session), tested while walking the time index as the
 * flows' filters are (014_http_requests.ts).
 */
function httpTerms(eb: ExpressionBuilder<{ t: Schema['http_requests'] }, 't'>, f: Omit<TelemetryFilter, 'limit'>): Expression<SqlBool>[] {
  const terms: Expression<SqlBool>[] = [];
  if (f.sessionId) terms.push(eb('t.session_id', '=', f.sessionId));
  if (f.user) terms.push(eb('t.username', '=', f.user));
  if (f.deviceId) terms.push(eb('t.device_id', '=', f.deviceId));
  return terms;
}

/** The listing and histogram queries for the filters set in `f` (exported for the query-plan tests). */
export function telemetryQueries(db: Executor, f: TelemetryFilter, histogram?: { bucketMs: number; buckets: number }) {
  const since = f.sinceMs ?? 0;
  const offset = f.offset ?? 0;
  const bucketMs = histogram?.bucketMs ?? 1;
  return {
    flows: db.selectFrom('flows as t').leftJoin('sessions as s', 's.id', 't.session_id')
      .selectAll('t').select(['s.user_name', 's.device_id'])
      .where((eb) => eb.and([eb('t.ended_at_ms', '>=', since), ...sessionTerms(eb, f)]))
      .orderBy('t.ended_at_ms', 'desc').orderBy('t.id', 'desc').limit(f.limit).offset(offset),
    denied: db.selectFrom('denied_attempts as t').leftJoin('sessions as s', 's.id', 't.session_id')
      .selectAll('t').select(['s.user_name', 's.device_id'])
      .where((eb) => eb.and([eb('t.last_seen_ms', '>=', since), ...sessionTerms(eb, f)]))
      .orderBy('t.last_seen_ms', 'desc').orderBy('t.id', 'desc').limit(f.limit).offset(offset),
    http: db.selectFrom('http_requests as t').selectAll('t')
      .where((eb) => eb.and([eb('t.started_at_ms', '>=', since), ...httpTerms(eb, f)]))
      .orderBy('t.started_at_ms', 'desc').orderBy('t.id', 'desc').limit(f.limit).offset(offset),
    // One count per bucket, each a range of the time index: sorting every record in the
    // window into groups (GROUP BY on the bucket number) costs far more than the counts. The
    // first start is cast so that PostgreSQL types the recursive column as a 64-bit integer.
    histogram: db.withRecursive('b(start, n)', (qc) => qc.selectNoFrom((eb) => [eb.cast<number>(eb.val(since), 'bigint').as('start'), eb.lit(1).as('n')])
      .unionAll((qc2) => qc2.selectFrom('b').select((eb) => [eb(eb.ref('b.start'), '+', bucketMs).as('start'), eb(eb.ref('b.n'), '+', 1).as('n')])
        .where('b.n', '<', histogram?.buckets ?? 0)))
      .selectFrom('b')
      .select((eb) => [
        eb.ref('b.start').as('startMs'),
        eb.selectFrom('flows as t').select((c) => c.fn.countAll().as('c'))
          .where((w) => w.and([w('t.ended_at_ms', '>=', w.ref('b.start')), w('t.ended_at_ms', '<', w(w.ref('b.start'), '+', bucketMs)), ...sessionTerms(w, f)]))
          .as('flows'),
        eb.selectFrom('denied_attempts as t').select((c) => c.fn.sum('t.count').as('c'))
          .where((w) => w.and([w('t.last_seen_ms', '>=', w.ref('b.start')), w('t.last_seen_ms', '<', w(w.ref('b.start'), '+', bucketMs)), ...sessionTerms(w, f)]))
          .as('denied'),
      ])
      .orderBy('b.start'),
  };
}

export class TelemetryStore {
  constructor(private readonly db: Executor, private readonly dialect: Dialect) {}

  /**
   * Stores one batch; a batch already stored (same gateway and seq) writes nothing. Call
   * inside a transaction: the batch row, its records and what detections compare them with
   * must be one change.
   */
  async ingest(gateway: string, b: TelemetryBatch, nowMs: number): Promise<IngestResult> {
    const records = b.peers.length + b.counters.length + b.denied.length + b.flows.length + b.httpRequests.length;
    const result: IngestResult = { stored: false, records, denied: [], endpointChanges: [] };
    const inserted = await this.db.insertInto('telemetry_batches')
      .values({ gateway, seq: b.seq, collected_at_ms: b.collectedAtMs, received_at_ms: nowMs, records, dropped_records: b.droppedRecords })
      .onConflict((oc) => oc.columns(['gateway', 'seq']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return result;
    result.stored = true;
    const { db, dialect } = this;

    await insertRows(db, dialect, 'flows', b.flows.map((f: FlowRecord) => ({
      gateway, session_id: f.sessionId, source: f.source, destination: f.destination, protocol: f.protocol, port: f.port,
      started_at_ms: f.startedAtMs, ended_at_ms: f.endedAtMs, bytes_out: f.bytesOut, bytes_in: f.bytesIn,
    })), (values) => db.insertInto('flows').values(values));

    if (b.httpRequests.length) {
      // A request of a session is attributed to the session's user and device, not to what
      // the gateway wrote (the user and device of a request without a session stand as reported).
      const owners = await this.owners(b.httpRequests);
      await insertRows(db, dialect, 'http_requests', b.httpRequests.map((r) => {
        const owner = r.sessionId ? owners.get(r.sessionId) : undefined;
        return {
          gateway, session_id: r.sessionId, resource: r.resource, method: r.method, hostname: r.hostname, path: r.path, status: r.status,
          bytes_in: r.bytesIn, bytes_out: r.bytesOut, started_at_ms: r.startedAtMs, duration_us: r.durationUs,
          username: owner ? owner.user : r.username, device_id: owner ? owner.device : r.deviceId, denied_reason: r.deniedReason, tunnel: r.tunnel ? 1 : 0,
        };
      }), (values) => db.insertInto('http_requests').values(values));
    }

    if (b.denied.length) {
      const { increases, rows } = await this.deniedIncreases(gateway, b.denied);
      result.denied = increases;
      await insertRows(db, dialect, 'denied_attempts', rows, (values) => db.insertInto('denied_attempts').values(values)
        .onConflict((oc) => oc.columns(['gateway', 'source', 'destination', 'protocol', 'port', 'first_seen_ms']).doUpdateSet((eb) => ({
          // The larger of stored and reported, written so both dialects read it (SQLite has no
          // GREATEST, PostgreSQL no two-argument max).
          count: eb.case().when('excluded.count', '>', eb.ref('denied_attempts.count')).then(eb.ref('excluded.count')).else(eb.ref('denied_attempts.count')).end(),
          last_seen_ms: eb.case().when('excluded.last_seen_ms', '>', eb.ref('denied_attempts.last_seen_ms'))
            .then(eb.ref('excluded.last_seen_ms')).else(eb.ref('denied_attempts.last_seen_ms')).end(),
        }))));
    }

    if (b.peers.length) {
      const { changes, rows } = await this.endpointChanges(gateway, b);
      result.endpointChanges = changes;
      await insertRows(db, dialect, 'peer_stats', rows, (values) => db.insertInto('peer_stats').values(values)
        .onConflict((oc) => oc.columns(['session_id', 'gateway']).doUpdateSet((eb) => ({
          endpoint: eb.ref('excluded.endpoint'), last_handshake_ms: eb.ref('excluded.last_handshake_ms'), rx_bytes: eb.ref('excluded.rx_bytes'),
          tx_bytes: eb.ref('excluded.tx_bytes'), updated_at_ms: eb.ref('excluded.updated_at_ms'),
        }))));
    }

    if (b.counters.length) {
      // One statement may not update a row twice on PostgreSQL: a tuple repeated in the batch
      // is written once, at its last report, which is where row-by-row upserts would end.
      const last = new Map<string, Insertable<Schema['rule_counters']>>();
      for (const r of b.counters) {
        const key = JSON.stringify([r.sessionId, r.destination, r.protocol, r.portFrom, r.portTo]);
        last.delete(key);
        last.set(key, {
          gateway, session_id: r.sessionId, destination: r.destination, protocol: r.protocol, port_from: r.portFrom, port_to: r.portTo,
          packets: r.packets, bytes: r.bytes, updated_at_ms: b.collectedAtMs,
        });
      }
      await insertRows(db, dialect, 'rule_counters', [...last.values()], (values) => db.insertInto('rule_counters').values(values)
        .onConflict((oc) => oc.columns(['gateway', 'session_id', 'destination', 'protocol', 'port_from', 'port_to']).doUpdateSet((eb) => ({
          packets: eb.ref('excluded.packets'), bytes: eb.ref('excluded.bytes'), updated_at_ms: eb.ref('excluded.updated_at_ms'),
        }))));
    }
    return result;
  }

  /**
   * How much each denied tuple's count rose over what was stored, and the rows to upsert
   * (each tuple once: a tuple repeated in the batch is merged as successive upserts would
   * leave it). A repeat is compared with its previous report in the batch, exactly as
   * row-by-row upserts would.
   */
  private async deniedIncreases(gateway: string, denied: DeniedAttempt[]): Promise<{ increases: IngestResult['denied']; rows: Insertable<Schema['denied_attempts']>[] }> {
    const stored = new Map<string, number>();
    const tuples = new Map<string, DeniedAttempt>();
    for (const d of denied) tuples.set(deniedKey(d.source, d.destination, d.protocol, d.port, d.firstSeenMs), d);
    // One lookup per chunk of tuples on the table's unique key (gateway, tuple, first seen).
    for (const chunk of inChunks([...tuples.values()])) {
      const found = await this.db.selectFrom('denied_attempts')
        .select(['source', 'destination', 'protocol', 'port', 'first_seen_ms', 'count'])
        .where('gateway', '=', gateway)
        .where((eb) => eb(eb.refTuple('source', 'destination', 'protocol', 'port', 'first_seen_ms'), 'in',
          chunk.map((d) => eb.tuple(d.source, d.destination, d.protocol, d.port, d.firstSeenMs))))
        .execute();
      for (const r of found) stored.set(deniedKey(r.source, r.destination, r.protocol, r.port, r.first_seen_ms), r.count);
    }
    const increases: IngestResult['denied'] = [];
    const rows = new Map<string, Insertable<Schema['denied_attempts']>>();
    for (const d of denied) {
      const key = deniedKey(d.source, d.destination, d.protocol, d.port, d.firstSeenMs);
      const before = stored.get(key) ?? 0;
      if (d.count > before && d.sessionId) increases.push({ sessionId: d.sessionId, attempts: d.count - before, atMs: d.lastSeenMs });
      stored.set(key, Math.max(before, d.count));
      const row = rows.get(key);
      if (row) {
        row.count = Math.max(row.count, d.count);
        row.last_seen_ms = Math.max(row.last_seen_ms, d.lastSeenMs);
      } else {
        rows.set(key, {
          gateway, session_id: d.sessionId, source: d.source, destination: d.destination, protocol: d.protocol, port: d.port,
          count: d.count, first_seen_ms: d.firstSeenMs, last_seen_ms: d.lastSeenMs,
        });
      }
    }
    return { increases, rows: [...rows.values()] };
  }

  /** The user and device of every session the requests name, read by primary key in chunks. */
  private async owners(requests: HttpRequestRecord[]): Promise<SessionOwners> {
    const ids = new Set<string>();
    for (const r of requests) if (r.sessionId) ids.add(r.sessionId);
    const owners: SessionOwners = new Map();
    for (const chunk of inChunks([...ids])) {
      const found = await this.db.selectFrom('sessions').select(['id', 'user_name', 'device_id']).where('id', 'in', chunk).execute();
      for (const o of found) owners.set(o.id, { user: o.user_name, device: o.device_id });
    }
    return owners;
  }

  /**
   * Sessions whose endpoint differs from the one stored (or reported earlier in the same
   * batch), and the rows to upsert (each session once, at its last report).
   */
  private async endpointChanges(gateway: string, b: TelemetryBatch): Promise<{ changes: IngestResult['endpointChanges']; rows: Insertable<Schema['peer_stats']>[] }> {
    const previous = new Map<string, { endpoint: string; updated_at_ms: number }>();
    for (const chunk of inChunks([...new Set(b.peers.map((p) => p.sessionId))])) {
      const found = await this.db.selectFrom('peer_stats').select(['session_id', 'endpoint', 'updated_at_ms'])
        .where('gateway', '=', gateway).where('session_id', 'in', chunk).execute();
      for (const r of found) previous.set(r.session_id, r);
    }
    const changes: IngestResult['endpointChanges'] = [];
    const rows = new Map<string, Insertable<Schema['peer_stats']>>();
    for (const p of b.peers as PeerStat[]) {
      const before = previous.get(p.sessionId);
      if (before && before.endpoint && p.endpoint && before.endpoint !== p.endpoint) {
        changes.push({ sessionId: p.sessionId, gateway, from: before.endpoint, to: p.endpoint, previousAtMs: before.updated_at_ms, atMs: b.collectedAtMs });
      }
      previous.set(p.sessionId, { endpoint: p.endpoint, updated_at_ms: b.collectedAtMs });
      rows.delete(p.sessionId);
      rows.set(p.sessionId, {
        session_id: p.sessionId, gateway, endpoint: p.endpoint, last_handshake_ms: p.lastHandshakeMs, rx_bytes: p.rxBytes, tx_bytes: p.txBytes,
        updated_at_ms: b.collectedAtMs,
      });
    }
    return { changes, rows: [...rows.values()] };
  }

  /** A session's WireGuard figures summed over its gateways, or undefined before any report. */
  async sessionStats(sessionId: string): Promise<SessionStats | undefined> {
    const r = await this.db.selectFrom('peer_stats')
      .select((eb) => [eb.fn.sum('rx_bytes').as('rx'), eb.fn.sum('tx_bytes').as('tx'), eb.fn.max('last_handshake_ms').as('hs')])
      .where('session_id', '=', sessionId).executeTakeFirst();
    // PostgreSQL sums 64-bit integers as numeric, which comes back as text.
    if (!r || r.hs === null || r.hs === undefined) return undefined;
    return { rxBytes: Number(r.rx ?? 0), txBytes: Number(r.tx ?? 0), lastHandshakeMs: Number(r.hs) };
  }

  async flows(f: TelemetryFilter): Promise<(FlowRecord & Attribution)[]> {
    const rows = await telemetryQueries(this.db, f).flows.execute();
    return rows.map((r) => ({
      sessionId: r.session_id, source: r.source, destination: r.destination, protocol: r.protocol, port: r.port,
      startedAtMs: r.started_at_ms, endedAtMs: r.ended_at_ms, bytesOut: r.bytes_out, bytesIn: r.bytes_in,
      gateway: r.gateway, username: r.user_name ?? '', deviceId: r.device_id ?? '',
    }));
  }

  async denied(f: TelemetryFilter): Promise<(DeniedAttempt & Attribution)[]> {
    const rows = await telemetryQueries(this.db, f).denied.execute();
    return rows.map((r) => ({
      sessionId: r.session_id, source: r.source, destination: r.destination, protocol: r.protocol, port: r.port,
      count: r.count, firstSeenMs: r.first_seen_ms, lastSeenMs: r.last_seen_ms,
      gateway: r.gateway, username: r.user_name ?? '', deviceId: r.device_id ?? '',
    }));
  }

  /** Requests through the gateways' proxies matching `f`, newest first (by start), with the reporting gateway. */
  async httpRequests(f: TelemetryFilter): Promise<(HttpRequestRecord & { gateway: string })[]> {
    const rows = await telemetryQueries(this.db, f).http.execute();
    return rows.map((r) => ({
      sessionId: r.session_id, resource: r.resource, method: r.method, hostname: r.hostname, path: r.path, status: r.status,
      bytesIn: r.bytes_in, bytesOut: r.bytes_out, startedAtMs: r.started_at_ms, durationUs: r.duration_us, username: r.username,
      deviceId: r.device_id, deniedReason: r.denied_reason, tunnel: r.tunnel === 1, gateway: r.gateway,
    }));
  }

  /**
   * Flow records and denied attempts matching `f` (limit and offset aside) per bucket of
   * `bucketMs` from `f.sinceMs` until `untilMs`, oldest first; the caller bounds the count.
   */
  async histogram(f: Omit<TelemetryFilter, 'limit'>, bucketMs: number, untilMs: number): Promise<TelemetryBucket[]> {
    const buckets = Math.ceil((untilMs - (f.sinceMs ?? 0)) / bucketMs);
    if (buckets <= 0) return [];
    const rows = await telemetryQueries(this.db, { ...f, limit: 0 }, { bucketMs, buckets }).histogram.execute();
    return rows.map((r) => ({ startMs: Number(r.startMs), flows: Number(r.flows ?? 0), denied: Number(r.denied ?? 0) }));
  }

  /**
   * Deletes what is older than the age limit, then the oldest rows beyond the row limit;
   * returns rows deleted. Each delete stands alone (a prune cut short leaves a valid store),
   * so it needs no transaction and holds none open against ingest.
   */
  async prune(limits: RetentionLimits, nowMs: number): Promise<number> {
    const before = nowMs - limits.maxAgeMs;
    const db = this.db;
    let n = 0;
    const count = (r: { numDeletedRows: bigint }) => { n += Number(r.numDeletedRows); };
    // By the time indexes.
    count(await db.deleteFrom('flows').where('ended_at_ms', '<', before).executeTakeFirst());
    count(await db.deleteFrom('denied_attempts').where('last_seen_ms', '<', before).executeTakeFirst());
    count(await db.deleteFrom('http_requests').where('started_at_ms', '<', before).executeTakeFirst());
    count(await db.deleteFrom('peer_stats').where('updated_at_ms', '<', before).executeTakeFirst());
    count(await db.deleteFrom('rule_counters').where('updated_at_ms', '<', before).executeTakeFirst());
    count(await db.deleteFrom('telemetry_batches').where('received_at_ms', '<', before).executeTakeFirst());
    // ids grow with insertion, so "all but the newest N" is everything up to one id (found on the primary key).
    count(await db.deleteFrom('flows')
      .where('id', '<=', (eb) => eb.selectFrom('flows').select('id').orderBy('id', 'desc').limit(1).offset(limits.maxRows)).executeTakeFirst());
    count(await db.deleteFrom('denied_attempts')
      .where('id', '<=', (eb) => eb.selectFrom('denied_attempts').select('id').orderBy('id', 'desc').limit(1).offset(limits.maxRows)).executeTakeFirst());
    count(await db.deleteFrom('http_requests')
      .where('id', '<=', (eb) => eb.selectFrom('http_requests').select('id').orderBy('id', 'desc').limit(1).offset(limits.maxRows)).executeTakeFirst());
    return n;
  }

  /** Rows held (for tests and metrics). */
  async counts(): Promise<{ flows: number; denied: number; http: number }> {
    const r = await this.db.selectNoFrom((eb) => [
      eb.selectFrom('flows').select((c) => c.fn.countAll().as('n')).as('flows'),
      eb.selectFrom('denied_attempts').select((c) => c.fn.countAll().as('n')).as('denied'),
      eb.selectFrom('http_requests').select((c) => c.fn.countAll().as('n')).as('http'),
    ]).executeTakeFirstOrThrow();
    return { flows: Number(r.flows), denied: Number(r.denied), http: Number(r.http) };
  }
}
