// The controller's store boundary: every repository over one database handle, and the
// transaction helper. Repositories of a feature live in its folder (sessions/session-store.ts,
// users/user-store.ts, ...); the shared ones (devices, certificates, logins, policies,
// settings) stay here. Code above the store talks to this object, never to SQL, and the same
// code runs on SQLite and on PostgreSQL (database.ts).
//
// A transaction hands its body a Store bound to the transaction: everything the body reads
// and writes must go through that `tx`, never the outer store (on SQLite the outer store
// waits for the one connection the transaction holds; on PostgreSQL it would run outside
// the transaction). On PostgreSQL transactions are SERIALIZABLE and a body the database
// aborts for a conflict with another controller is run again, so a body must not change
// anything outside the database: what must happen once the change is durable goes to
// `afterCommit`.
//
// Writers take turns on PostgreSQL as they do on SQLite. Almost every change appends to the
// one audit chain (and, with it, to the gateways' change logs), so two writers at once
// always conflict; a transaction therefore takes the writers' lock (the audit table's
// SHARE ROW EXCLUSIVE lock, which plain reads do not wait for) as its first statement,
// before PostgreSQL takes its snapshot, and so never aborts for another writer's change.
// Without it, overlapping Connect batches of one controller aborted each other until their
// reruns ran out. A transaction that appends to no shared sequence (telemetry ingest) says
// `{ concurrent: true }` and runs beside the writers; a conflict it meets is run again.
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Dialect } from './database.js';
import { UserStore } from '../users/user-store.js';
import { LoginStore } from './logins.js';
import { DeviceStore } from './devices.js';
import { CertificateStore } from './certificates.js';
import { GatewayStore } from '../gateways/gateway-store.js';
import { PolicyStore } from './policies.js';
import { SettingsStore } from './settings.js';
import { SessionStore } from '../sessions/session-store.js';
import { TelemetryStore } from '../telemetry/telemetry-store.js';
import { AccessStore } from '../access/access-store.js';
import { SsoStore } from '../sso/sso-store.js';
import { ControllerStore } from '../controllers/controller-store.js';
import { ChangeLogStore } from '../sync/change-log-store.js';

/** What a repository runs its queries on: the database, or an open transaction. */
export type Executor = Kysely<Schema>;

/** PostgreSQL's codes for "run the transaction again": serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

function retryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && RETRYABLE.has((err as { code?: string }).code ?? '');
}

export interface TransactionOptions {
  /**
   * The body appends to no shared sequence (audit chain, change log): on PostgreSQL it does
   * not wait for the writers' lock on its first run.
   */
  concurrent?: boolean;
}

export class Store {
  readonly users: UserStore;
  readonly logins: LoginStore;
  readonly devices: DeviceStore;
  readonly certificates: CertificateStore;
  readonly gateways: GatewayStore;
  readonly policies: PolicyStore;
  readonly settings: SettingsStore;
  readonly sessions: SessionStore;
  readonly telemetry: TelemetryStore;
  readonly access: AccessStore;
  readonly sso: SsoStore;
  readonly controllers: ControllerStore;
  readonly changeLog: ChangeLogStore;

  /** Where an after-commit hook's error goes; the controller sets its internal-error reporter. */
  onHookError: (err: unknown) => void = (err) => process.emitWarning(`after-commit hook failed: ${(err as Error).message ?? String(err)}`);

  /** Run after the outermost transaction commits (undefined outside a transaction). */
  private readonly committed: (() => void)[] | undefined;

  constructor(readonly db: Executor, readonly dialect: Dialect, committed?: (() => void)[]) {
    this.committed = committed;
    this.users = new UserStore(db, dialect);
    this.logins = new LoginStore(db, dialect);
    this.devices = new DeviceStore(db, dialect);
    this.certificates = new CertificateStore(db, dialect);
    this.gateways = new GatewayStore(db, dialect);
    this.policies = new PolicyStore(db, dialect);
    this.settings = new SettingsStore(db, dialect);
    this.sessions = new SessionStore(db, dialect);
    this.telemetry = new TelemetryStore(db, dialect);
    this.access = new AccessStore(db, dialect);
    this.sso = new SsoStore(db, dialect);
    this.controllers = new ControllerStore(db, dialect);
    this.changeLog = new ChangeLogStore(db, dialect);
  }

  get inTransaction(): boolean {
    return this.committed !== undefined;
  }

  /**
   * Runs `fn` in one transaction and returns its result once committed; inside a transaction
   * it joins it. On PostgreSQL a serialization failure or deadlock runs `fn` again.
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.committed) return fn(this);
    for (let attempt = 1; ; attempt++) {
      const committed: (() => void)[] = [];
      try {
        const builder = this.dialect === 'postgres' ? this.db.transaction().setIsolationLevel('serializable') : this.db.transaction();
        const result = await builder.execute(async (trx) => {
          // The writers' lock first (see the top of this file). A concurrent transaction that
          // appended to the audit chain after all failed to serialize; its rerun takes the
          // lock first too, so it cannot lose the same race twice.
          if (this.dialect === 'postgres' && (!options.concurrent || attempt > 1)) await sql`LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
          return fn(new Store(trx, this.dialect, committed));
        });
        this.runHooks(committed);
        return result;
      } catch (err) {
        if (!retryable(err) || attempt >= MAX_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 2 ** attempt));
      }
    }
  }

  /**
   * The change is durable whatever a hook does: a hook that throws is reported and the rest
   * still run, and the caller gets the transaction's result, not a failure it would retry.
   */
  private runHooks(hooks: (() => void)[]): void {
    for (const hook of hooks) {
      try {
        hook();
      } catch (err) {
        this.onHookError(err);
      }
    }
  }

  /** Runs `hook` once the enclosing transaction has committed; at once outside a transaction. */
  afterCommit(hook: () => void): void {
    if (this.committed) this.committed.push(hook);
    else hook();
  }
}
