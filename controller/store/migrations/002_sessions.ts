// Sessions: one device's WireGuard key + an overlay address + the entitlements it was granted,
// and per gateway the sealed preshared key and which sync version carried its latest change.
import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT, BLOB } = columnTypes(dialect);

  await createTable(db, dialect, 'sessions')
    .addColumn('id', TEXT, (c) => c.primaryKey())
    .addColumn('user_name', TEXT, (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('device_id', TEXT, (c) => c.notNull())
    .addColumn('cert_serial', TEXT, (c) => c.notNull())
    .addColumn('overlay_address', TEXT, (c) => c.notNull())
    .addColumn('wg_public_key', TEXT, (c) => c.notNull())
    .addColumn('posture_json', TEXT, (c) => c.notNull())
    .addColumn('mfa', INTEGER, (c) => c.notNull().check(sql`mfa IN (0, 1)`))
    .addColumn('created_at_ms', INTEGER, (c) => c.notNull())
    // The session's hard end: the certificate's expiry, capped by the policy.
    .addColumn('expires_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('state', TEXT, (c) => c.notNull().check(sql`state IN ('active', 'revoked', 'expired', 'disconnected')`))
    .addColumn('ended_at_ms', INTEGER)
    .addColumn('end_reason', TEXT, (c) => c.notNull().defaultTo(''))
    // JSON array of Entitlement objects (controller/policy), as last evaluated.
    .addColumn('entitlements_json', TEXT, (c) => c.notNull())
    .addColumn('last_heartbeat_ms', INTEGER, (c) => c.notNull())
    .execute();
  // A live overlay address or WireGuard key is never held twice.
  await db.schema.createIndex('sessions_live_address').unique().on('sessions').column('overlay_address').where(sql<boolean>`state = 'active'`).execute();
  await db.schema.createIndex('sessions_live_key').unique().on('sessions').column('wg_public_key').where(sql<boolean>`state = 'active'`).execute();
  await db.schema.createIndex('sessions_active').on('sessions').columns(['state', 'expires_at_ms']).execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_name', 'state']).execute();
  await db.schema.createIndex('sessions_device').on('sessions').columns(['device_id', 'state']).execute();

  await createTable(db, dialect, 'session_gateways', { withoutRowid: true })
    .addColumn('session_id', TEXT, (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('psk_sealed', BLOB, (c) => c.notNull())
    // The sync version that carried this session's latest change to the gateway, and when the
    // gateway acknowledged a version >= it (NULL while pending).
    .addColumn('version', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('acked_at_ms', INTEGER)
    .addPrimaryKeyConstraint('session_gateways_pkey', ['session_id', 'gateway'])
    .execute();
  await db.schema.createIndex('session_gateways_pending').on('session_gateways').columns(['gateway', 'acked_at_ms', 'version']).execute();
}
