// The audit log over the store: appends hash-chained records (inside the caller's
// transaction when there is one), lists and verifies them, and, once a record is committed,
// copies it as a JSON line to a sink file for a SIEM and moves the signed head (head.ts)
// that anchors the chain's end outside the database.
//
// One chain for every controller on a database: an append reads the newest record and links
// to it in the appending transaction. On SQLite the one connection already serialises that.
// On PostgreSQL appends take a table lock that only appends conflict with, held to the commit.
// A table lock rather than an advisory one: LOCK TABLE takes no snapshot, so when it is the
// transaction's first statement (an append in a transaction of its own) the snapshot is taken
// once the lock is held and sees the newest record; an advisory lock is taken by a SELECT,
// whose snapshot is fixed before it waits, so every waiter would fail to serialize. The store
// takes the same lock as the first statement of every writing transaction (store.ts), so an
// append inside one holds it already; one in a `concurrent` transaction may fail to serialize
// after waiting, and the store runs it again with the lock first.
import { appendFileSync } from 'node:fs';
import { sql, type Selectable } from 'kysely';
import type { Store } from '../store/store.js';
import type { AuditTable } from '../store/schema.js';
import { ChainWalker, GENESIS_HASH, canonicalJson, recordHash, type AuditRecord, type VerifyResult } from './chain.js';
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

/** Records per page when the whole chain is walked. */
const VERIFY_PAGE = 1000;

function toRecord(r: Selectable<AuditTable>): AuditRecord {
  return { id: r.id, atMs: r.at_ms, actor: r.actor, action: r.action, target: r.target, detailsJson: r.details_json, prevHash: r.prev_hash, hash: r.hash };
}

async function lastRecord(store: Store): Promise<Head | undefined> {
  return store.db.selectFrom('audit').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

async function hashAt(store: Store, id: number): Promise<string | undefined> {
  return (await store.db.selectFrom('audit').select('hash').where('id', '=', id).executeTakeFirst())?.hash;
}

export class Audit {
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

  private constructor(private readonly store: Store, options: AuditOptions) {
    this.sinkPath = options.sinkPath;
    this.anchor = options.anchor;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((err) => { throw err; });
  }

  /** The audit log over `store`, with the head file compared with the database once. */
  static async open(store: Store, options: AuditOptions = {}): Promise<Audit> {
    const audit = new Audit(store, options);
    audit.headFrozen = (await audit.headState()).state === 'mismatch';
    if (audit.anchor && !audit.headFrozen) audit.lastHead = readHeadFileQuietly(audit.anchor.path);
    return audit;
  }

  /**
   * Appends one record and returns it. `tx` is the caller's transaction, whose commit
   * publishes the record to the sink and head; outside a transaction (the root store) the
   * append runs in one of its own.
   */
  async append(tx: Store, entry: AuditEntry): Promise<AuditRecord> {
    if (!tx.inTransaction) return tx.transaction((t) => this.append(t, entry));
    // Reading the last record and inserting the next must be atomic and, across controllers,
    // in one order: the lock is held to the end of the caller's transaction.
    // SHARE ROW EXCLUSIVE conflicts with itself and with writes to audit, not with reads: list and
    // verify go on while an append waits.
    if (tx.dialect === 'postgres') await sql`LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE`.execute(tx.db);
    const last = await lastRecord(tx);
    let id = (last?.id ?? 0) + 1;
    if (tx.dialect === 'sqlite') {
      // AUTOINCREMENT never reuses an id, so a removed last record leaves a visible gap.
      // PostgreSQL has no such counter to read; there the signed head is what shows it.
      const seq = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = 'audit'`.execute(tx.db);
      id = Math.max(id, (seq.rows[0]?.seq ?? 0) + 1);
    }
    const unhashed = { id, atMs: this.now(), actor: entry.actor, action: entry.action, target: entry.target, detailsJson: canonicalJson(entry.details ?? {}) };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const record: AuditRecord = { ...unhashed, prevHash, hash: recordHash(prevHash, unhashed) };
    await tx.db.insertInto('audit')
      .values({ id: record.id, at_ms: record.atMs, actor: record.actor, action: record.action, target: record.target, details_json: record.detailsJson, prev_hash: record.prevHash, hash: record.hash })
      .execute();
    if (!this.sinkPath && !this.anchor) return record;
    // Records removed while the controller runs: moving the head past them would hide it.
    // Checked here, in the transaction that sees the chain the record joins.
    const head = this.lastHead;
    const headGone = head !== undefined && head.id > 0 && (head.id === last?.id ? last.hash : await hashAt(tx, head.id)) !== head.hash;
    tx.afterCommit(() => this.publish(record, headGone ? head : undefined));
    return record;
  }

  /** A committed record: to the sink, with the signed head it establishes, then the head file. */
  private publish(record: AuditRecord, goneHead: Head | undefined): void {
    try {
      this.write(record, goneHead);
    } catch (err) {
      this.onError(err);
    }
  }

  private write(record: AuditRecord, goneHead: Head | undefined): void {
    const head = this.anchor ? signHead(this.anchor.key, record) : undefined;
    if (this.sinkPath) appendFileSync(this.sinkPath, `${JSON.stringify({ ...record, head })}\n`, { mode: 0o600 });
    if (!this.anchor || !head || this.headFrozen) return;
    if (goneHead && goneHead.id === this.lastHead?.id && goneHead.hash === this.lastHead.hash) {
      this.headFrozen = true;
      throw new Error(`audit record ${goneHead.id}, the signed head, is gone or changed in the database: the head file is left as it was`);
    }
    // Concurrent transactions may finish in another order than they appended: the head only moves forward.
    if (this.lastHead && this.lastHead.id >= head.id) return;
    writeHeadFile(this.anchor.path, head);
    this.lastHead = head;
  }

  /** The head file (or a head shipped elsewhere, when given) compared with the database. */
  async headState(given?: SignedHead): Promise<HeadState> {
    if (!this.anchor) return { state: 'none' };
    let head: SignedHead | undefined;
    try {
      head = given ?? readHeadFile(this.anchor.path);
    } catch (err) {
      return { state: 'mismatch', message: `${this.anchor.path}: ${(err as Error).message}` };
    }
    if (!head) return { state: 'missing' };
    // headMismatch looks up at most the head's own id: read it first, then compare.
    const last = await lastRecord(this.store);
    const stored = head.id > 0 ? await hashAt(this.store, head.id) : undefined;
    const message = headMismatch(this.anchor.key, head, last, (id) => (id === head.id ? stored : undefined));
    return message ? { state: 'mismatch', message } : { state: 'ok' };
  }

  /**
   * Records with afterId < id < beforeId (0: no bound) whose action starts with `actionPrefix`:
   * the oldest `limit` of them oldest first, or with `newestFirst` the newest `limit` newest first.
   */
  async list(afterId = 0, limit = 1000, actionPrefix = '', opts: { newestFirst?: boolean; beforeId?: number } = {}): Promise<AuditRecord[]> {
    let q = this.store.db.selectFrom('audit').selectAll().where('id', '>', afterId).where('id', '<', opts.beforeId || Number.MAX_SAFE_INTEGER);
    if (actionPrefix) q = q.where((eb) => eb(eb.fn<string>('substr', ['action', eb.val(1), eb.val(actionPrefix.length)]), '=', actionPrefix));
    const rows = await q.orderBy('id', opts.newestFirst ? 'desc' : 'asc').limit(limit).execute();
    return rows.map(toRecord);
  }

  /**
   * Walks the whole chain (a page at a time) and names the first bad record; then checks
   * that the chain reaches the signed head (the head file, or `given`), which is what
   * reveals removed newest records.
   */
  async verify(given?: SignedHead): Promise<VerifyResult> {
    const walker = new ChainWalker();
    let chain: VerifyResult | undefined;
    for (let after = 0; !chain;) {
      const page = await this.store.db.selectFrom('audit').selectAll().where('id', '>', after).orderBy('id').limit(VERIFY_PAGE).execute();
      for (const r of page) {
        chain = walker.check(toRecord(r));
        if (chain) break;
      }
      if (page.length < VERIFY_PAGE) chain ??= walker.result();
      else after = page.at(-1)!.id;
    }
    if (!chain.ok) return chain;
    const head = await this.headState(given);
    if (head.state === 'ok') return { ...chain, message: `${chain.message}; the chain reaches the signed head` };
    if (head.state === 'none') return chain;
    const lastId = (await lastRecord(this.store))?.id ?? 0;
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
