// The controller's data directory: what `init` creates (master key, database with the
// sealed CA key, server certificate, bootstrap admin credentials) and what `start` loads.
//
//   DIR/master.key            32-byte key sealing secrets in the database (0600)
//   DIR/controller.db         SQLite (WAL), unless the state is in PostgreSQL (--database)
//   DIR/ca.crt                the CA certificate (its fingerprint is what clients pin)
//   DIR/server.crt, .key      the controller's TLS certificate and key (0600)
//   DIR/audit.head            the audit chain's signed head (audit/head.ts)
//   DIR/admin/                bootstrap admin credentials: ca.crt, client.crt, client.key,
//                             valid 30 days by default; `admin-credentials` writes fresh ones
//
// With `--database URL` the state (CA certificate and sealed key included) is in PostgreSQL
// and DIR holds the rest; every controller on that database runs with a copy of the DIR
// `init` made, since only its master key opens the sealed CA. The URL may carry a password:
// it is never written into DIR and never shown unredacted.
//
// The directory and everything in it are the owner's only (0700, files 0600) whatever the
// umask or the directory's previous mode: `init` makes them so and `start` refuses a
// directory that others can enter or read.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createCsr, generateKeyPair, certFingerprint, writeSecretFile } from '../../common/pki.js';
import { openDatabase, parseDatabaseUrl, type Database, type DatabaseLocation } from '../store/database.js';
import { Store } from '../store/store.js';
import { AUDIT_HEAD_PURPOSE, Audit } from '../audit/audit.js';
import { MasterKey } from '../crypto/masterkey.js';
import { CertificateAuthority, createCa, parseCsr } from '../crypto/ca.js';
import { credentialFiles } from './credential-files.js';

export const BOOTSTRAP_ADMIN = 'admin';
/**
 * Lifetime of a bootstrap admin credential. It needs no login and no MFA, so it is short:
 * the operator renews it on the controller host (`wicket-controller admin-credentials`), and
 * day-to-day administration uses `wicketctl login` (password + TOTP, or SSO with MFA).
 */
export const BOOTSTRAP_ADMIN_VALIDITY_MS = 30 * 86_400_000;
/** The longest lifetime `admin-credentials --validity` accepts. */
export const BOOTSTRAP_ADMIN_MAX_VALIDITY_MS = 90 * 86_400_000;
const CA_CERT_KEY = 'ca.cert';
const CA_KEY_SEALED = 'ca.key.sealed';
const CA_KEY_AAD = 'ca.key';

export const paths = (dir: string) => ({
  masterKey: join(dir, 'master.key'),
  db: join(dir, 'controller.db'),
  caCert: join(dir, 'ca.crt'),
  serverCert: join(dir, 'server.crt'),
  serverKey: join(dir, 'server.key'),
  admin: join(dir, 'admin'),
  auditHead: join(dir, 'audit.head'),
});

/** Creates `dir` if needed and makes it 0700 (mkdir's mode is filtered by the umask and ignored for an existing directory). */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Refuses a data directory that users other than its owner can enter, read or write. */
export function assertPrivateDir(dir: string): void {
  const mode = statSync(dir).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`data directory ${dir} is accessible by other users (mode ${mode.toString(8).padStart(3, '0')}); it holds the master key and the database: run \`chmod 700 ${dir}\` and start again`);
  }
}

export { credentialFiles };

export interface InitResult { caFingerprint: string; adminDir: string }

/** Where the state lives: PostgreSQL at `databaseUrl`, else DIR/controller.db. */
function databaseLocation(dir: string, databaseUrl: string | undefined): DatabaseLocation {
  return databaseUrl ? parseDatabaseUrl(databaseUrl) : { kind: 'sqlite', path: paths(dir).db };
}

/** Throws when `store` already holds a controller's state (a CA). */
async function refuseInitialised(store: Store, description: string): Promise<void> {
  if (await store.settings.get(CA_CERT_KEY)) {
    throw new Error(`the database ${description} already holds a controller's state; refusing to initialise it again (copy the data directory from the host that ran init, or use an empty database)`);
  }
}

export interface InitOptions {
  /** PostgreSQL for the state (postgres://...); absent: SQLite in DIR. */
  databaseUrl?: string;
  /** Names the server certificate is issued for (besides localhost). */
  hostnames?: string[];
  now?: number;
}

/**
 * Creates a new data directory; refuses (changing nothing) when one is already there, or
 * when the PostgreSQL database given already holds a controller's state.
 */
export async function initDataDir(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const hostnames = options.hostnames ?? [];
  const now = options.now ?? Date.now();
  const p = paths(dir);
  const existing = [p.masterKey, p.db, p.caCert, p.serverCert, p.admin].filter((f) => existsSync(f));
  if (existing.length > 0) throw new Error(`${dir} is already initialised (found ${existing.join(', ')}); refusing to change it`);
  const location = databaseLocation(dir, options.databaseUrl);
  if (location.kind === 'postgres') {
    // Before anything is written to DIR: a refused init leaves no half-made directory.
    const database = await openDatabase(location);
    try {
      await refuseInitialised(new Store(database.kysely, database.dialect), database.description);
    } finally {
      await database.close();
    }
  }
  privateDir(dir);
  privateDir(p.admin);

  // Keys and certificates are made first; the master key file and database follow, and the
  // certificate files are written last. Until the database commits, a failure (an unreachable
  // or refusing database) removes what was written, so DIR can be initialised again.
  let committed = false;
  try {
    return await initFiles(p, location, hostnames, now, () => { committed = true; });
  } catch (err) {
    if (!committed) {
      for (const f of [p.masterKey, p.db, `${p.db}-wal`, `${p.db}-shm`]) rmSync(f, { force: true });
      rmSync(p.admin, { recursive: true, force: true });
    }
    throw err;
  }
}

/** What init makes once DIR is there: the keys, the database's state, then the files; `onCommit` once the state is committed. */
async function initFiles(p: ReturnType<typeof paths>, location: DatabaseLocation, hostnames: string[], now: number, onCommit: () => void): Promise<InitResult> {
  const masterKey = MasterKey.create(p.masterKey);
  const ca = createCa(now);
  const authority = new CertificateAuthority(ca.certPem, ca.keyPem);
  const server = authority.issueServer(hostnames, now);
  const admin = issueBootstrapAdmin(authority, now, BOOTSTRAP_ADMIN_VALIDITY_MS);
  const sealedCaKey = masterKey.seal(ca.keyPem, CA_KEY_AAD);

  const database = await openDatabase(location);
  try {
    const store = new Store(database.kysely, database.dialect);
    const audit = await Audit.open(store, { anchor: { path: p.auditHead, key: masterKey.derive(AUDIT_HEAD_PURPOSE) } });
    await store.transaction(async (tx) => {
      // Again inside the transaction: two inits racing on one database cannot both write.
      await refuseInitialised(tx, database.description);
      await tx.settings.set(CA_CERT_KEY, ca.certPem);
      await tx.settings.set(CA_KEY_SEALED, sealedCaKey);
      await tx.certificates.record({ serial: server.serial, kind: 'server', subject: 'wicket-controller', deviceId: '', issuedAtMs: now, notAfterMs: server.notAfterMs });
      await tx.certificates.record({ serial: admin.serial, kind: 'admin', subject: BOOTSTRAP_ADMIN, deviceId: '', issuedAtMs: now, notAfterMs: admin.notAfterMs });
      await audit.append(tx, { actor: 'system', action: 'controller.init', target: '', details: { hostnames, ca_fingerprint: certFingerprint(ca.certPem), admin_serial: admin.serial } });
    });
    onCommit();
  } finally {
    await database.close();
  }
  // Even the public files are 0600: nothing in the directory is anyone else's business.
  writeSecretFile(p.caCert, ca.certPem);
  writeSecretFile(p.serverCert, server.certPem);
  writeSecretFile(p.serverKey, server.keys.privateKeyPem);
  writeAdminFiles(p.admin, ca.certPem, admin);
  return { caFingerprint: certFingerprint(ca.certPem), adminDir: p.admin };
}

type BootstrapAdmin = ReturnType<CertificateAuthority['issueClient']> & { keyPem: string };

/** A bootstrap admin certificate (identity wicket://admin/admin, recorded as kind `admin`). */
function issueBootstrapAdmin(authority: CertificateAuthority, now: number, validityMs: number): BootstrapAdmin {
  const keys = generateKeyPair();
  const issued = authority.issueClient(parseCsr(createCsr(keys, `admin:${BOOTSTRAP_ADMIN}`)), [{ kind: 'admin', name: BOOTSTRAP_ADMIN }], now, validityMs);
  return { ...issued, keyPem: keys.privateKeyPem };
}

function writeAdminFiles(dir: string, caPem: string, admin: BootstrapAdmin): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const creds = credentialFiles(dir);
  writeSecretFile(creds.ca, caPem);
  writeSecretFile(creds.cert, admin.certPem);
  writeSecretFile(creds.key, admin.keyPem);
}

export interface RenewResult { adminDir: string; serial: string; notAfterMs: number; revoked: number }

/**
 * `wicket-controller admin-credentials`: writes a fresh bootstrap admin credential to DIR/admin/
 * and revokes every earlier one (a copy taken from an old DIR/admin/ stops working at its
 * next call). Runs on the controller host, beside a running controller or not: it needs the
 * master key file, which is the proof of being on that host.
 */
export async function renewAdminCredentials(dir: string, opts: { now?: number; validityMs?: number; databaseUrl?: string } = {}): Promise<RenewResult> {
  const now = opts.now ?? Date.now();
  const validityMs = opts.validityMs ?? BOOTSTRAP_ADMIN_VALIDITY_MS;
  if (validityMs < 60_000 || validityMs > BOOTSTRAP_ADMIN_MAX_VALIDITY_MS) throw new Error('the validity must be between 1 minute and 90 days');
  const data = await loadDataDir(dir, { databaseUrl: opts.databaseUrl });
  let admin: BootstrapAdmin;
  let revoked: number;
  try {
    admin = issueBootstrapAdmin(data.ca, now, validityMs);
    const audit = await Audit.open(data.store);
    revoked = await data.store.transaction(async (tx) => {
      const n = await tx.certificates.revokeAllOf('admin', BOOTSTRAP_ADMIN, now);
      await tx.certificates.record({ serial: admin.serial, kind: 'admin', subject: BOOTSTRAP_ADMIN, deviceId: '', issuedAtMs: now, notAfterMs: admin.notAfterMs });
      await audit.append(tx, { actor: 'system', action: 'admin.credential.renew', target: admin.serial, details: { revoked: n, not_after_ms: admin.notAfterMs } });
      return n;
    });
  } finally {
    await data.database.close();
  }
  const adminDir = paths(dir).admin;
  writeAdminFiles(adminDir, data.ca.certPem, admin);
  return { adminDir, serial: admin.serial, notAfterMs: admin.notAfterMs, revoked };
}

export interface LoadedDataDir {
  database: Database;
  /** The store over `database`. */
  store: Store;
  masterKey: MasterKey;
  ca: CertificateAuthority;
  serverCertPem: string;
  serverKeyPem: string;
}

/** Opens an initialised data directory (migrating the database); the caller closes `database`. */
export async function loadDataDir(dir: string, options: { databaseUrl?: string } = {}): Promise<LoadedDataDir> {
  const p = paths(dir);
  const location = databaseLocation(dir, options.databaseUrl);
  if (!existsSync(p.masterKey) || (location.kind === 'sqlite' && !existsSync(p.db))) {
    const hint = location.kind === 'sqlite' && existsSync(p.masterKey)
      ? ` (it has no ${p.db}: if this controller's state is in PostgreSQL, give --database or WICKET_DATABASE_URL)`
      : ' (run wicket-controller init)';
    throw new Error(`${dir} is not an initialised controller data directory${hint}`);
  }
  assertPrivateDir(dir);
  const masterKey = MasterKey.load(p.masterKey);
  const database = await openDatabase(location);
  try {
    const store = new Store(database.kysely, database.dialect);
    const caCert = await store.settings.getText(CA_CERT_KEY);
    const caKey = await store.settings.get(CA_KEY_SEALED);
    if (!caCert || !caKey) {
      throw new Error(location.kind === 'sqlite'
        ? `${database.description} holds no CA; the data directory is damaged`
        : `the database ${database.description} holds no controller state: run wicket-controller init --database with it once, then copy the data directory to the other controller hosts`);
    }
    let caKeyPem: string;
    try {
      caKeyPem = masterKey.open(caKey, CA_KEY_AAD).toString('utf8');
    } catch {
      throw new Error(`the master key in ${dir} does not open the CA sealed in ${database.description}: this data directory was not made by the init of this database (copy it from the host that ran init)`);
    }
    return {
      database, store, masterKey,
      ca: new CertificateAuthority(caCert, caKeyPem),
      serverCertPem: readFileSync(p.serverCert, 'utf8'),
      serverKeyPem: readFileSync(p.serverKey, 'utf8'),
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
