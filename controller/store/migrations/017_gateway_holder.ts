// Which controller holds each gateway's Sync stream (controller/gateways/presence.ts). With
// several controllers on one database a gateway is connected when SOME alive controller holds
// its stream; `connected` alone cannot say whose stream it is, so an old stream's close on one
// controller would clear a newer stream's mark on another, and a controller starting could
// not tell its dead predecessor's gateways from a running peer's. '' = no holder.
import type { Dialect } from '../dialect.js';
import { columnTypes, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { TEXT } = columnTypes(dialect);
  await db.schema.alterTable('gateways').addColumn('holder', TEXT, (c) => c.notNull().defaultTo('')).execute();
}
