// The audit log over the store: appends hash-chained records (inside the caller's
// transaction when there is one), lists and verifies them, and, once a record is committed,
// copies it as a JSON line to a sink file for a SIEM and moves the signed head (head.ts)
// that anchors the chain's end outside the database.
import { appendFileSync } from 'node:fs';
import type { DB } from '../store/db.js';
import { GENESIS_HASH, canonicalJson, recordHash, verifyChain, type AuditRecord, type VerifyResult } from './chain.js';
import { headMismatch, readHeadFile, signHead, writeHeadFile, type Head, type SignedHead } from './head.js';

export interface AuditEntry {
  /** "admin:alice", "user:bob", "gateway:dc1", "system". */
  actor: string;
  action: string;
  target: string;
  /** Never secrets. */
  details?: Record<string, unknown>;
}

/** Where the signed head lives and the key that signs it (MasterKey.derive(AUDIT_HEAD_PURPOSE)). */
export interface HeadAnchor { path: string; key: Buffer }

export const AUDIT_HEAD_PURPOSE = 'audit-head';

export interface AuditOptions {
  /** A JSON-lines file every committed record is appended to. */
  sinkPath?: string;
  anchor?: HeadAnchor;
  now?: () => number;
  /**
   * A sink or head write failed after the commit (disk full...): the record is committed,
   * so this is reported, not thrown into a caller that already succeeded.
   */
  onError?: (err: unknown) => void;
}

/** The head file compared with the database: absent, matching, or naming what is wrong. */
export type HeadState = { state: 'none' } | { state: 'missing' } | { state: 'ok' } | { state: 'mismatch'; message: string };

interface AuditRow { id: number; at_ms: number; actor: string; action: string; target: string; details_json: string; prev_hash: string; hash: string }

function toRecord(r: AuditRow): AuditRecord {
  return { id: r.id, atMs: r.at_ms, actor: r.actor, action: r.action, target: r.target, detailsJson: r.details_json, prevHash: r.prev_hash, hash: r.hash };
}

export class Audit {
  private readonly stmts;
  /** Appended inside a transaction that has not finished yet. */
  private pending: AuditRecord[] = [];
  /**
   * The head file no longer matches the database (truncated or rewritten while the
   * controller was down): it is left as it is, so verify keeps reporting it.
   */
  private headFrozen = false;
  /** The head last written: the chain must still hold it when the next one is written. */
  private lastHead: Head | undefined;

  private readonly sinkPath?: string;
  private readonly anchor?: HeadAnchor;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;

  constructor(private readonly db: DB, options: AuditOptions = {}) {
    this.sinkPath = options.sinkPath;
    this.anchor = options.anchor;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((err) => { throw err; });
    this.stmts = {
      last: db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1'),
      seq: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'audit'"),
      hashAt: db.prepare<[number], { hash: string }>('SELECT hash FROM audit WHERE id = ?'),
      insert: db.prepare('INSERT INTO audit (id, at_ms, actor, action, target, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      list: db.prepare<[{ after: number; before: number; prefix: string; limit: number }], AuditRow>(
        'SELECT * FROM audit WHERE id > @after AND id < @before AND substr(action, 1, length(@prefix)) = @prefix ORDER BY id LIMIT @limit'),
      listNewest: db.prepare<[{ after: number; before: number; prefix: string; limit: number }], AuditRow>(
        'SELECT * FROM audit WHERE id > @after AND id < @before AND substr(action, 1, length(@prefix)) = @prefix ORDER BY id DESC LIMIT @limit'),
      all: db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY id'),
    };
    this.headFrozen = this.headState().state === 'mismatch';
    if (this.anchor && !this.headFrozen) this.lastHead = readHeadFileQuietly(this.anchor.path);
  }

  /** Appends one record and returns it. */
  append(entry: AuditEntry): AuditRecord {
    // Reading the last record and inserting the next must be atomic: inside the caller's
    // transaction they already are (a savepoint per record would only cost statements, and
    // a failed insert throws into the caller's rollback); alone, they get one of their own.
    const next = (): AuditRecord => {
      const last = this.stmts.last.get();
      // AUTOINCREMENT never reuses an id, so a removed last record leaves a visible gap.
      const id = Math.max(last?.id ?? 0, this.stmts.seq.get()?.seq ?? 0) + 1;
      const unhashed = { id, atMs: this.now(), actor: entry.actor, action: entry.action, target: entry.target, detailsJson: canonicalJson(entry.details ?? {}) };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const r: AuditRecord = { ...unhashed, prevHash, hash: recordHash(prevHash, unhashed) };
      this.stmts.insert.run(r.id, r.atMs, r.actor, r.action, r.target, r.detailsJson, r.prevHash, r.hash);
      return r;
    };
    if (!this.sinkPath && !this.anchor) return this.db.inTransaction ? next() : this.db.transaction(next)();
    if (!this.db.inTransaction) {
      const record = this.db.transaction(next)();
      this.publish([record]);
      return record;
    }
    // better-sqlite3 transactions are synchronous: the caller's has committed or rolled back
    // by the time a microtask runs.
    const record = next();
    if (this.pending.push(record) === 1) queueMicrotask(() => this.flush());
    return record;
  }

  /**
   * Publishes what the finished transaction committed (a rolled-back record is not in the
   * table). Runs by itself a microtask after the append; call it before closing the database.
   */
  flush(): void {
    if (!this.db.open || this.pending.length === 0) return;
    if (this.db.inTransaction) {
      setImmediate(() => this.flush());
      return;
    }
    const records = this.pending;
    this.pending = [];
    this.publish(records.filter((r) => this.stmts.hashAt.get(r.id)?.hash === r.hash));
  }

  /** Committed records: to the sink, each with the signed head it establishes, then the head file. */
  private publish(records: AuditRecord[]): void {
    try {
      this.write(records);
    } catch (err) {
      this.onError(err);
    }
  }

  private write(records: AuditRecord[]): void {
    if (records.length === 0) return;
    const signed = (r: AuditRecord): SignedHead | undefined => (this.anchor ? signHead(this.anchor.key, r) : undefined);
    if (this.sinkPath) appendFileSync(this.sinkPath, records.map((r) => `${JSON.stringify({ ...r, head: signed(r) })}\n`).join(''), { mode: 0o600 });
    const head = signed(records.at(-1)!);
    if (!this.anchor || !head || this.headFrozen) return;
    // Records removed while the controller runs: moving the head past them would hide it.
    if (this.lastHead && this.lastHead.id > 0 && this.stmts.hashAt.get(this.lastHead.id)?.hash !== this.lastHead.hash) {
      this.headFrozen = true;
      throw new Error(`audit record ${this.lastHead.id}, the signed head, is gone or changed in the database: the head file is left as it was`);
    }
    writeHeadFile(this.anchor.path, head);
    this.lastHead = head;
  }

  /** The head file (or a head shipped elsewhere, when given) compared with the database. */
  headState(given?: SignedHead): HeadState {
    if (!this.anchor) return { state: 'none' };
    let head: SignedHead | undefined;
    try {
      head = given ?? readHeadFile(this.anchor.path);
    } catch (err) {
      return { state: 'mismatch', message: `${this.anchor.path}: ${(err as Error).message}` };
    }
    if (!head) return { state: 'missing' };
    const message = headMismatch(this.anchor.key, head, this.stmts.last.get(), (id) => this.stmts.hashAt.get(id)?.hash);
    return message ? { state: 'mismatch', message } : { state: 'ok' };
  }

  /**
   * Records with afterId < id < beforeId (0: no bound) whose action starts with `actionPrefix`:
   * the oldest `limit` of them oldest first, or with `newestFirst` the newest `limit` newest first.
   */
  list(afterId = 0, limit = 1000, actionPrefix = '', opts: { newestFirst?: boolean; beforeId?: number } = {}): AuditRecord[] {
    const params = { after: afterId, before: opts.beforeId || Number.MAX_SAFE_INTEGER, prefix: actionPrefix, limit };
    return (opts.newestFirst ? this.stmts.listNewest : this.stmts.list).all(params).map(toRecord);
  }

  /**
   * Walks the whole chain (streaming) and names the first bad record; then checks that the
   * chain reaches the signed head (the head file, or `given`), which is what reveals
   * removed newest records.
   */
  verify(given?: SignedHead): VerifyResult {
    const rows = this.stmts.all.iterate();
    const chain = verifyChain((function* () { for (const r of rows) yield toRecord(r); })());
    if (!chain.ok) return chain;
    const head = this.headState(given);
    if (head.state === 'ok') return { ...chain, message: `${chain.message}; the chain reaches the signed head` };
    if (head.state === 'none') return chain;
    const lastId = this.stmts.last.get()?.id ?? 0;
    let headId: number | undefined;
    try {
      headId = (given ?? readHeadFile(this.anchor!.path))?.id;
    } catch {
      headId = undefined;
    }
    return {
      ok: false, recordsChecked: chain.recordsChecked, firstBadId: Math.min(lastId + 1, headId ?? lastId + 1),
      message: head.state === 'missing' ? `the audit head file ${this.anchor!.path} is missing (removed?): whether the newest records are all there cannot be checked` : head.message,
    };
  }
}

function readHeadFileQuietly(path: string): Head | undefined {
  try {
    return readHeadFile(path);
  } catch {
    return undefined;
  }
}
