// Controller settings as key/value pairs (e.g. the sealed CA key, the CA certificate).
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Dialect } from './database.js';

export class SettingsStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  async get(key: string): Promise<Buffer | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    const v = r?.value as Buffer | string | undefined;
    // Rows written by older versions may hold TEXT on SQLite (no column type enforcement).
    return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v);
  }

  async getText(key: string): Promise<string | undefined> {
    return (await this.get(key))?.toString('utf8');
  }

  async set(key: string, value: Buffer | string): Promise<void> {
    const v = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    await this.db.insertInto('settings').values({ key, value: v })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}
