// The shared store: PostgreSQL through node-postgres behind Kysely's PostgreSQL dialect, for
// controllers that serve one network together (docs/operations.md). 64-bit integers come back
// as numbers (timestamps in ms, counters): every value the controller stores fits in a double,
// and one that does not is an error rather than a silently rounded number.
import pg from 'pg';
import { PostgresDialect } from 'kysely';

const INT8_OID = 20;

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`64-bit value ${text} does not fit in a JavaScript number`);
  return n;
}

export interface PostgresOptions {
  /** Connections this controller keeps open. */
  maxConnections?: number;
  /** Every transaction read-only (an inspection of a live database, never a change). */
  readonly?: boolean;
}

/** A connection pool for `url` and Kysely's dialect over it. */
export function postgresDialect(url: string, options: PostgresOptions = {}): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    ...(options.readonly ? { options: '-c default_transaction_read_only=on' } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that dies (server restart, failover) must not crash the controller;
  // the pool replaces it and the next query reports any lasting failure.
  pool.on('error', () => {});
  return { dialect: new PostgresDialect({ pool }), pool };
}

/** Query parameters node-postgres reads secrets from, besides the URL's own password. */
const SECRET_PARAMETERS = ['password', 'sslpassword'];

/** `url` without its passwords (in the user part or as parameters), for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const name of SECRET_PARAMETERS) if (u.searchParams.has(name)) u.searchParams.set(name, '***');
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
