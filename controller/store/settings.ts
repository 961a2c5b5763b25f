// Controller settings as key/value pairs (e.g. the sealed CA key, the CA certificate).
import type { DB } from './db.js';

export class SettingsStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      get: db.prepare<[string], { value: Buffer | string }>('SELECT value FROM settings WHERE key = ?'),
      set: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  get(key: string): Buffer | undefined {
    const v = this.stmts.get.get(key)?.value;
    return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v);
  }

  getText(key: string): string | undefined {
    return this.get(key)?.toString('utf8');
  }

  set(key: string, value: Buffer | string): void {
    this.stmts.set.run(key, Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'));
  }
}
