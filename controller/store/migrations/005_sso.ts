// Single sign-on (controller/sso): which Wicket user each identity-provider subject is,
// with the groups the provider gave at that subject's last login, and how each certificate
// issued through SSO was authenticated (provider, subject, whether MFA happened), so that
// session decisions use the IdP groups and MFA of the certificate a session runs on.
import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT } = columnTypes(dialect);

  await createTable(db, dialect, 'sso_identities')
    .addColumn('provider', TEXT, (c) => c.notNull()) // the provider's configured name
    .addColumn('subject', TEXT, (c) => c.notNull()) // the ID token's `sub`
    .addColumn('user_name', TEXT, (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('groups_json', TEXT, (c) => c.notNull().defaultTo('[]')) // JSON array of the provider's group names
    .addColumn('last_login_ms', INTEGER, (c) => c.notNull())
    .addPrimaryKeyConstraint('sso_identities_pkey', ['provider', 'subject'])
    .execute();
  await db.schema.createIndex('sso_identities_user').unique().on('sso_identities').columns(['user_name', 'provider']).execute();

  await createTable(db, dialect, 'sso_certificates')
    .addColumn('serial', TEXT, (c) => c.primaryKey()) // certificates.serial (written just before it, same transaction)
    .addColumn('provider', TEXT, (c) => c.notNull())
    .addColumn('subject', TEXT, (c) => c.notNull())
    .addColumn('mfa', INTEGER, (c) => c.notNull().check(sql`mfa IN (0, 1)`))
    .execute();
}
