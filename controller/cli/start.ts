// Runs a controller from its data directory: context, gRPC listeners, metrics endpoint,
// service modules. Used by `wicket-controller start` and by in-process tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../../common/log.js';
import { splitHostPort } from '../../common/pki.js';
import { Store } from '../store/store.js';
import { Audit } from '../audit/audit.js';
import { createAuthorizer } from '../api/authz.js';
import { createMetrics } from '../api/metrics.js';
import { startServers } from '../api/server.js';
import type { ControllerContext } from '../api/context.js';
import { loadDataDir } from './datadir.js';
import { startCheckpointer } from '../store/checkpointer.js';
import { serviceModules, type ServiceModule } from './services.js';
import type { TelemetrySettings } from '../telemetry/module.js';
import type { SessionSettings } from '../sessions/sessions.js';
import type { ProviderConfig } from '../sso/config.js';
import { SsoLogins, type SsoLimits } from '../sso/device-login.js';
import { limitSettings, type ListenerLimits } from '../api/listener-limits.js';
import { attachSso } from '../sso/attach.js';

export const DEFAULT_REAUTH_INTERVAL_MS = 12 * 3_600_000;

export interface StartOptions {
  dataDir: string;
  listen: string;
  authListen: string;
  metricsListen?: string;
  publicApi?: string;
  reauthIntervalMs?: number;
  auditLog?: string;
  log?: Logger;
  modules?: ServiceModule[];
  /** Retention and detection settings of the telemetry module (when `modules` is not given). */
  telemetry?: Partial<TelemetrySettings>;
  now?: () => number;
  /** Session settings (pool, heartbeat and ack timing); defaults in controller/sessions/module.ts. */
  sessions?: Partial<SessionSettings>;
  /** OpenID providers for single sign-on (controller/sso/config.ts); none = SSO off. */
  sso?: ProviderConfig[];
  /** Caps and rate of pending single sign-on logins (controller/sso/device-login.ts). */
  ssoLimits?: Partial<SsoLimits>;
  /** Connection, stream and timeout limits of the two listeners (controller/api/listener-limits.ts). */
  limits?: { auth?: Partial<ListenerLimits>; api?: Partial<ListenerLimits> };
}

export interface RunningController {
  ctx: ControllerContext;
  apiPort: number;
  authPort: number;
  metricsPort?: number;
  stop(graceMs?: number): Promise<void>;
}

function listenMetrics(server: Server, { host, port }: { host: string; port: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startController(opts: StartOptions): Promise<RunningController> {
  const log = opts.log ?? createLogger('controller');
  const metricsAddress = opts.metricsListen ? splitHostPort(opts.metricsListen) : undefined;
  const data = loadDataDir(opts.dataDir);
  const store = new Store(data.db);
  store.gateways.markAllDisconnected();
  const metrics = createMetrics();
  const ctx: ControllerContext = {
    store, audit: new Audit(data.db, opts.auditLog), ca: data.ca, masterKey: data.masterKey, authorize: createAuthorizer(store, opts.now ?? Date.now, (r) => {
      metrics.refusals.inc({ reason: r.reason });
      log.warn({ reason: r.reason, identities: r.identities.map((i) => `${i.kind}:${i.name}`), needed: r.kinds, message: r.message }, 'call refused');
    }),
    log, metrics, hooks: {}, now: opts.now ?? Date.now,
    config: { reauthIntervalMs: opts.reauthIntervalMs ?? DEFAULT_REAUTH_INTERVAL_MS, publicApi: opts.publicApi ?? opts.listen, gatewayCertValidityMs: 365 * 86_400_000, sessions: opts.sessions ?? {} },
  };
  const sso = opts.sso?.length ? new SsoLogins(ctx, opts.sso, opts.ssoLimits) : undefined;
  if (sso) attachSso(ctx, sso);
  const modules = (opts.modules ?? serviceModules({ telemetry: opts.telemetry })).map((m) => m(ctx));
  const services = {
    client: Object.assign({}, ...modules.map((m) => m.client ?? {})),
    gateway: Object.assign({}, ...modules.map((m) => m.gateway ?? {})),
    adminExtras: modules.flatMap((m) => m.adminExtras ?? []),
  };
  const closeModules = async () => {
    sso?.close();
    for (const m of modules) await m.close?.();
  };
  let servers;
  try {
    servers = await startServers({ ctx, listen: opts.listen, authListen: opts.authListen, serverCertPem: data.serverCertPem, serverKeyPem: data.serverKeyPem, services, limits: limitSettings(opts.limits) });
  } catch (err) {
    await closeModules();
    data.db.close();
    throw err;
  }
  const checkpointer = startCheckpointer(data.db, data.db.name);
  const metricsServer = metricsAddress ? createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    );
  }) : undefined;
  const metricsPort = metricsServer && metricsAddress ? await listenMetrics(metricsServer, metricsAddress) : undefined;
  log.info({ apiPort: servers.apiPort, authPort: servers.authPort, metricsPort }, 'controller started');

  return {
    ctx, apiPort: servers.apiPort, authPort: servers.authPort, metricsPort,
    stop: async (graceMs) => {
      await servers.stop(graceMs);
      await closeModules();
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      await checkpointer.stop();
      data.db.close();
      log.info('controller stopped');
    },
  };
}
