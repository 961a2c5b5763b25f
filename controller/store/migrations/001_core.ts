// Core tables of the controller: users and their login state, devices, issued certificates,
// gateways and their join tokens, policy versions, the hash-chained audit log, settings.
// Times are milliseconds since the Unix epoch. Secrets are stored sealed (AES-256-GCM with
// the master key, see controller/crypto/masterkey.ts) or hashed, never in clear.
import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, generatedKey, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT, BLOB } = columnTypes(dialect);

  await createTable(db, dialect, 'users')
    .addColumn('name', TEXT, (c) => c.primaryKey())
    .addColumn('password_hash', TEXT) // scrypt encoding; NULL = no password login
    .addColumn('totp_sealed', BLOB, (c) => c.notNull()) // sealed base32 TOTP secret
    .addColumn('admin', INTEGER, (c) => c.notNull().defaultTo(0).check(sql`admin IN (0, 1)`))
    .addColumn('disabled', INTEGER, (c) => c.notNull().defaultTo(0).check(sql`disabled IN (0, 1)`))
    .addColumn('created_at_ms', INTEGER, (c) => c.notNull())
    .execute();

  // Directory groups (as given by `wicketctl user add --group`).
  await createTable(db, dialect, 'user_groups', { withoutRowid: true })
    .addColumn('user_name', TEXT, (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('group_name', TEXT, (c) => c.notNull())
    .addPrimaryKeyConstraint('user_groups_pkey', ['user_name', 'group_name'])
    .execute();

  // TOTP replay guard: the time steps already accepted per user (pruned as they age out).
  await createTable(db, dialect, 'totp_used', { withoutRowid: true })
    .addColumn('user_name', TEXT, (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('step', INTEGER, (c) => c.notNull())
    .addPrimaryKeyConstraint('totp_used_pkey', ['user_name', 'step'])
    .execute();

  // Consecutive login failures and the resulting lockout, per user.
  await createTable(db, dialect, 'login_failures')
    .addColumn('user_name', TEXT, (c) => c.primaryKey().references('users.name').onDelete('cascade'))
    .addColumn('failures', INTEGER, (c) => c.notNull())
    .addColumn('last_failure_ms', INTEGER, (c) => c.notNull())
    .addColumn('locked_until_ms', INTEGER, (c) => c.notNull())
    .execute();

  await createTable(db, dialect, 'devices')
    .addColumn('id', TEXT, (c) => c.primaryKey()) // 32 hex: SHA-256(SPKI DER)[0:16]
    .addColumn('user_name', TEXT, (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('name', TEXT, (c) => c.notNull())
    .addColumn('blocked', INTEGER, (c) => c.notNull().defaultTo(0).check(sql`blocked IN (0, 1)`))
    .addColumn('blocked_reason', TEXT, (c) => c.notNull().defaultTo(''))
    .addColumn('first_seen_ms', INTEGER, (c) => c.notNull())
    .addColumn('last_seen_ms', INTEGER, (c) => c.notNull())
    .addColumn('posture_json', TEXT, (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('devices_user').on('devices').column('user_name').execute();

  // Every certificate the CA issued, for revocation (grpc-js has no CRL support).
  await createTable(db, dialect, 'certificates')
    .addColumn('serial', TEXT, (c) => c.primaryKey()) // hex
    .addColumn('kind', TEXT, (c) => c.notNull().check(sql`kind IN ('admin', 'gateway', 'user', 'server')`))
    .addColumn('subject', TEXT, (c) => c.notNull()) // user, gateway or admin name
    .addColumn('device_id', TEXT, (c) => c.notNull().defaultTo(''))
    .addColumn('issued_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('not_after_ms', INTEGER, (c) => c.notNull())
    .addColumn('revoked_at_ms', INTEGER)
    .execute();
  await db.schema.createIndex('certificates_subject').on('certificates').columns(['kind', 'subject']).execute();

  await createTable(db, dialect, 'join_tokens')
    .addColumn('token_hash', TEXT, (c) => c.primaryKey()) // SHA-256 hex of the token; the token itself is never stored
    .addColumn('gateway_name', TEXT, (c) => c.notNull())
    .addColumn('created_by', TEXT, (c) => c.notNull())
    .addColumn('created_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('expires_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('used_at_ms', INTEGER)
    .execute();

  await createTable(db, dialect, 'gateways')
    .addColumn('name', TEXT, (c) => c.primaryKey())
    .addColumn('cert_serial', TEXT, (c) => c.notNull()) // the only certificate accepted for this gateway
    .addColumn('endpoint', TEXT, (c) => c.notNull().defaultTo(''))
    .addColumn('public_key', TEXT, (c) => c.notNull().defaultTo(''))
    .addColumn('enrolled_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('desired_version', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('applied_version', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('last_ack_ms', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('last_apply_us', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('last_report_ms', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('connected', INTEGER, (c) => c.notNull().defaultTo(0).check(sql`connected IN (0, 1)`))
    .addColumn('connected_since_ms', INTEGER, (c) => c.notNull().defaultTo(0))
    .execute();

  await createTable(db, dialect, 'policies')
    .addColumn('version', INTEGER, generatedKey(dialect, { autoincrement: true }))
    .addColumn('yaml', TEXT, (c) => c.notNull())
    .addColumn('sha256', TEXT, (c) => c.notNull())
    .addColumn('author', TEXT, (c) => c.notNull())
    .addColumn('applied_at_ms', INTEGER, (c) => c.notNull())
    .execute();

  await createTable(db, dialect, 'audit')
    .addColumn('id', INTEGER, generatedKey(dialect, { autoincrement: true }))
    .addColumn('at_ms', INTEGER, (c) => c.notNull())
    .addColumn('actor', TEXT, (c) => c.notNull())
    .addColumn('action', TEXT, (c) => c.notNull())
    .addColumn('target', TEXT, (c) => c.notNull())
    .addColumn('details_json', TEXT, (c) => c.notNull())
    .addColumn('prev_hash', TEXT, (c) => c.notNull())
    .addColumn('hash', TEXT, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_action').on('audit').column('action').execute();

  // Append-only: the application never changes a record. (Someone with the database can
  // still drop these triggers; the hash chain is what detects that.) Neither dialect's
  // schema builder has triggers, so each dialect's own statements, with the same effect.
  if (dialect === 'sqlite') {
    await sql`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END`.execute(db);
  } else {
    await sql`CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$`.execute(db);
    await sql`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()`.execute(db);
    await sql`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()`.execute(db);
    // TRUNCATE skips row triggers; SQLite has no TRUNCATE.
    await sql`CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`.execute(db);
  }

  await createTable(db, dialect, 'settings')
    .addColumn('key', TEXT, (c) => c.primaryKey())
    .addColumn('value', BLOB, (c) => c.notNull())
    .execute();
}
