// Applied policy versions (the YAML as applied, who applied it and when).
import type { DB } from './db.js';
import type { PolicyVersion__Output as PolicyVersion } from '../../proto/generated/wicket/v1/PolicyVersion.js';

interface PolicyRow { version: number; yaml: string; sha256: string; author: string; applied_at_ms: number }

function toVersion(r: PolicyRow): PolicyVersion {
  return { version: r.version, yaml: r.yaml, sha256: r.sha256, author: r.author, appliedAtMs: r.applied_at_ms };
}

export class PolicyStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      current: db.prepare<[], PolicyRow>('SELECT * FROM policies ORDER BY version DESC LIMIT 1'),
      get: db.prepare<[number], PolicyRow>('SELECT * FROM policies WHERE version = ?'),
      history: db.prepare<[], PolicyRow>("SELECT version, '' AS yaml, sha256, author, applied_at_ms FROM policies ORDER BY version DESC"),
      insert: db.prepare('INSERT INTO policies (yaml, sha256, author, applied_at_ms) VALUES (?, ?, ?, ?)'),
    };
  }

  /** The applied (newest) version, if any. */
  current(): PolicyVersion | undefined {
    const r = this.stmts.current.get();
    return r && toVersion(r);
  }

  get(version: number): PolicyVersion | undefined {
    const r = this.stmts.get.get(version);
    return r && toVersion(r);
  }

  /** Newest first, without the YAML text. */
  history(): PolicyVersion[] {
    return this.stmts.history.all().map(toVersion);
  }

  /** Stores a new version and returns its number. */
  add(p: { yaml: string; sha256: string; author: string; appliedAtMs: number }): number {
    return Number(this.stmts.insert.run(p.yaml, p.sha256, p.author, p.appliedAtMs).lastInsertRowid);
  }
}
