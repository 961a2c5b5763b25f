// The audit log over the store: appends hash-chained records (inside the caller's
// transaction when there is one), lists and verifies them, and optionally copies each
// record as a JSON line to a sink file for a SIEM.
import { appendFileSync } from 'node:fs';
import type { DB } from '../store/db.js';
import { GENESIS_HASH, canonicalJson, recordHash, verifyChain, type AuditRecord, type VerifyResult } from './chain.js';

export interface AuditEntry {
  /** "admin:alice", "user:bob", "gateway:dc1", "system". */
  actor: string;
  action: string;
  target: string;
  /** Never secrets. */
  details?: Record<string, unknown>;
}

interface AuditRow { id: number; at_ms: number; actor: string; action: string; target: string; details_json: string; prev_hash: string; hash: string }

function toRecord(r: AuditRow): AuditRecord {
  return { id: r.id, atMs: r.at_ms, actor: r.actor, action: r.action, target: r.target, detailsJson: r.details_json, prevHash: r.prev_hash, hash: r.hash };
}

export class Audit {
  private readonly stmts;

  constructor(private readonly db: DB, private readonly sinkPath?: string, private readonly now: () => number = Date.now) {
    this.stmts = {
      last: db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1'),
      seq: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'audit'"),
      insert: db.prepare('INSERT INTO audit (id, at_ms, actor, action, target, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      list: db.prepare<[{ after: number; prefix: string; limit: number }], AuditRow>(
        'SELECT * FROM audit WHERE id > @after AND substr(action, 1, length(@prefix)) = @prefix ORDER BY id LIMIT @limit'),
      all: db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY id'),
    };
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
    const record = this.db.inTransaction ? next() : this.db.transaction(next)();
    if (this.sinkPath) appendFileSync(this.sinkPath, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    return record;
  }

  /** Records with id > afterId whose action starts with `actionPrefix`, oldest first. */
  list(afterId = 0, limit = 1000, actionPrefix = ''): AuditRecord[] {
    return this.stmts.list.all({ after: afterId, prefix: actionPrefix, limit }).map(toRecord);
  }

  /** Walks the whole chain (streaming) and names the first bad record. */
  verify(): VerifyResult {
    const rows = this.stmts.all.iterate();
    return verifyChain((function* () { for (const r of rows) yield toRecord(r); })());
  }
}
