// HTTP resources behind the gateways' identity-aware proxy.
import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT, BLOB } = columnTypes(dialect);

  // Each gateway gets one overlay address of its own (its proxy listens there), assigned from
  // the top of the overlay pool downward and never handed to a session. '' = not assigned yet
  // (a gateway enrolled before this migration gets one at its next Hello). The partial unique
  // index makes "is this address a gateway's?" one index lookup when sessions get addresses.
  await db.schema.alterTable('gateways').addColumn('service_address', TEXT, (c) => c.notNull().defaultTo('')).execute();
  await db.schema.createIndex('gateways_service_address').unique().on('gateways').column('service_address').where(sql<boolean>`service_address <> ''`).execute();

  // The subject's groups at the last decision: the gateway puts them in the identity assertion.
  await db.schema.alterTable('sessions').addColumn('groups_json', TEXT, (c) => c.notNull().defaultTo('[]')).execute();

  // ES256 keys that sign identity assertions (one current key per gateway) and the
  // controller's own sign-in tickets (owner 'controller'). The private half is sealed with the
  // master key; a retired key stays published in the JWKS until it is deleted.
  await createTable(db, dialect, 'assertion_keys')
    .addColumn('kid', TEXT, (c) => c.primaryKey()) // RFC 7638 thumbprint of the public JWK
    .addColumn('owner', TEXT, (c) => c.notNull()) // 'gateway:NAME' or 'controller'
    .addColumn('public_jwk', TEXT, (c) => c.notNull()) // JSON: kty, crv, x, y
    .addColumn('private_sealed', BLOB, (c) => c.notNull()) // PKCS#8 PEM, sealed (purpose "assertion-key:KID")
    .addColumn('created_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('retired_at_ms', INTEGER) // NULL: the owner's current key
    .execute();
  await db.schema.createIndex('assertion_keys_current').unique().on('assertion_keys').column('owner').where(sql<boolean>`retired_at_ms IS NULL`).execute();
}
