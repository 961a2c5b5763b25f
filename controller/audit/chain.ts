// The audit log's hash chain, pure: each record's hash is SHA-256 over the previous
// record's hash followed by the canonical JSON of the record, so changing, inserting or
// removing a record in the middle breaks every hash after it.
import { createHash } from 'node:crypto';
import type { AuditRecord__Output as AuditRecord } from '../../proto/generated/wicket/v1/AuditRecord.js';

export type { AuditRecord };

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export type UnhashedRecord = Omit<AuditRecord, 'hash' | 'prevHash'>;

/** The hash of a record given the previous record's hash. */
export function recordHash(prevHash: string, r: UnhashedRecord): string {
  const body = canonicalJson({ id: r.id, atMs: r.atMs, actor: r.actor, action: r.action, target: r.target, detailsJson: r.detailsJson });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

export interface VerifyResult { ok: boolean; recordsChecked: number; firstBadId: number; message: string }

/**
 * Checks records in id order, one at a time (the database hands them over a page at a time):
 * `check` returns the failure at the first record whose link or hash is wrong.
 */
export class ChainWalker {
  private prev = GENESIS_HASH;
  private checked = 0;

  check(r: AuditRecord): VerifyResult | undefined {
    this.checked += 1;
    const bad = (why: string): VerifyResult => ({ ok: false, recordsChecked: this.checked, firstBadId: r.id, message: `audit record ${r.id}: ${why}` });
    if (r.prevHash !== this.prev) return bad('does not link to the previous record (a record was removed, inserted or altered before it)');
    if (recordHash(this.prev, r) !== r.hash) return bad('content does not match its hash (the record was altered)');
    this.prev = r.hash;
    return undefined;
  }

  /** The verdict once every record has passed. */
  result(): VerifyResult {
    return { ok: true, recordsChecked: this.checked, firstBadId: 0, message: `${this.checked} records verified` };
  }
}

/** Checks records in id order; names the first record whose link or hash is wrong. */
export function verifyChain(records: Iterable<AuditRecord>): VerifyResult {
  const walker = new ChainWalker();
  for (const r of records) {
    const bad = walker.check(r);
    if (bad) return bad;
  }
  return walker.result();
}
