// The controller's store boundary: every repository over one database handle, and the
// transaction helper. Repositories of a feature live in its folder (sessions/session-store.ts,
// users/user-store.ts, ...); the shared ones (devices, certificates, logins, policies,
// settings) stay here. Code above the store talks to this object, never to SQL, so that a
// PostgreSQL implementation can follow.
import type { DB } from './db.js';
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

  constructor(readonly db: DB) {
    this.users = new UserStore(db);
    this.logins = new LoginStore(db);
    this.devices = new DeviceStore(db);
    this.certificates = new CertificateStore(db);
    this.gateways = new GatewayStore(db);
    this.policies = new PolicyStore(db);
    this.settings = new SettingsStore(db);
    this.sessions = new SessionStore(db);
    this.telemetry = new TelemetryStore(db);
    this.access = new AccessStore(db);
    this.sso = new SsoStore(db);
  }

  /** Runs `fn` in one transaction (a savepoint when already inside one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
