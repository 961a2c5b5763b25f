// Applied policy versions (the YAML as applied, who applied it and when).
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Dialect } from './database.js';
import type { PolicyVersion__Output as PolicyVersion } from '../../proto/generated/wicket/v1/PolicyVersion.js';

function toVersion(r: { version: number; yaml: string; sha256: string; author: string; applied_at_ms: number }): PolicyVersion {
  return { version: r.version, yaml: r.yaml, sha256: r.sha256, author: r.author, appliedAtMs: r.applied_at_ms };
}

export class PolicyStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /** The applied (newest) version, if any. */
  async current(): Promise<PolicyVersion | undefined> {
    const r = await this.db.selectFrom('policies').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r && toVersion(r);
  }

  async get(version: number): Promise<PolicyVersion | undefined> {
    const r = await this.db.selectFrom('policies').selectAll().where('version', '=', version).executeTakeFirst();
    return r && toVersion(r);
  }

  /** Newest first, without the YAML text (an array: one row per applied version). */
  async history(): Promise<PolicyVersion[]> {
    const rows = await this.db.selectFrom('policies').select(['version', 'sha256', 'author', 'applied_at_ms']).orderBy('version', 'desc').execute();
    return rows.map((r) => toVersion({ ...r, yaml: '' }));
  }

  /** Stores a new version and returns its number. */
  async add(p: { yaml: string; sha256: string; author: string; appliedAtMs: number }): Promise<number> {
    const r = await this.db.insertInto('policies')
      .values({ yaml: p.yaml, sha256: p.sha256, author: p.author, applied_at_ms: p.appliedAtMs })
      .returning('version')
      .executeTakeFirstOrThrow();
    return r.version;
  }
}
