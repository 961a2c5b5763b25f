// Read-only checks on a controller's SQLite file, taken from outside the controller through
// better-sqlite3 itself, as an inspector (or attacker) on the host would (it may
// be running, or just SIGKILLed): SQLite's own integrity check, the audit chain, overlay
// addresses held twice, the live sessions per gateway, and a fingerprint of the state a
// rejected request must not change.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { openSqlite, type SqliteHandle as DB } from '../../controller/store/sqlite.js';
import { verifyChain } from '../../controller/audit/chain.js';

/**
 * The tables a request changes when it succeeds. Left out on purpose: the audit log and the
 * login failure counters (a rejected request is recorded there — that is how it becomes
 * visible), telemetry, and the columns a gateway's acks move (connection state, versions).
 */
const FINGERPRINTED: Record<string, string> = {
  users: 'SELECT * FROM users ORDER BY name',
  user_groups: 'SELECT * FROM user_groups ORDER BY 1, 2',
  devices: 'SELECT * FROM devices ORDER BY 1',
  certificates: 'SELECT * FROM certificates ORDER BY 1',
  join_tokens: 'SELECT * FROM join_tokens ORDER BY 1',
  gateways: 'SELECT name, cert_serial, enrolled_at_ms FROM gateways ORDER BY name',
  policies: 'SELECT * FROM policies ORDER BY 1',
  sessions: 'SELECT * FROM sessions ORDER BY id',
  session_gateways: 'SELECT session_id, gateway FROM session_gateways ORDER BY 1, 2',
};

export const dbPathOf = (dataDir: string) => join(dataDir, 'controller.db');

/** A read-only view of the controller database (safe beside a running controller: WAL). */
export class DbView {
  readonly db: DB;

  constructor(path: string) {
    this.db = openSqlite(path, { readonly: true });
  }

  /** Per fingerprinted table, a SHA-256 over its rows (read in one transaction). */
  fingerprint(): Record<string, string> {
    const out: Record<string, string> = {};
    this.db.transaction(() => {
      for (const [name, sql] of Object.entries(FINGERPRINTED)) {
        const h = createHash('sha256');
        for (const row of this.db.prepare(sql).raw().iterate()) h.update(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
        out[name] = h.digest('hex');
      }
    })();
    return out;
  }

  integrity(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  /** The hash chain as the controller checks it (without the signed head, which lives in the data directory). */
  auditVerify(): { ok: boolean; recordsChecked: number; message: string } {
    const rows = this.db.prepare<[], { id: number; at_ms: number; actor: string; action: string; target: string; details_json: string; prev_hash: string; hash: string }>('SELECT * FROM audit ORDER BY id').iterate();
    return verifyChain((function* () {
      for (const r of rows) yield { id: r.id, atMs: r.at_ms, actor: r.actor, action: r.action, target: r.target, detailsJson: r.details_json, prevHash: r.prev_hash, hash: r.hash };
    })());
  }

  /** Overlay addresses held by more than one active session. */
  doubleAddresses(): string[] {
    return this.db.prepare<[], { a: string }>("SELECT overlay_address AS a FROM sessions WHERE state = 'active' GROUP BY a HAVING count(*) > 1").all().map((r) => r.a);
  }

  /** Active, unexpired sessions a gateway must serve: WireGuard public key -> overlay address. */
  liveOn(gateway: string, nowMs: number): Map<string, string> {
    const rows = this.db.prepare<[string, number], { k: string; a: string }>(
      `SELECT s.wg_public_key AS k, s.overlay_address AS a FROM sessions s JOIN session_gateways g ON g.session_id = s.id
       WHERE g.gateway = ? AND s.state = 'active' AND s.expires_at_ms > ?`).all(gateway, nowMs);
    return new Map(rows.map((r) => [r.k, r.a]));
  }

  /** Rows of a query (diagnostics in a failure report). */
  rows(sql: string, ...params: unknown[]): unknown[] {
    return this.db.prepare(sql).all(...params);
  }

  count(sql: string, ...params: unknown[]): number {
    return (this.db.prepare(sql).pluck().get(...params) as number | undefined) ?? 0;
  }

  close(): void {
    this.db.close();
  }
}

/** `DbView.count` on the database of `dataDir`, opened for this one query and closed again. */
export function countIn(dataDir: string, sql: string, ...params: unknown[]): number {
  const view = new DbView(dbPathOf(dataDir));
  try {
    return view.count(sql, ...params);
  } finally {
    view.close();
  }
}
