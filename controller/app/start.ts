// The controller's composition root: runs a controller from its data directory, building
// the store, audit log, CA, authorizer, revocation module, SSO and the feature modules,
// assembling their handlers into services and starting the listeners and the metrics
// endpoint. Used by `wicket-controller start` (cli/main.ts parses the flags) and by in-process tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../../common/log.js';
import { splitHostPort } from '../../common/pki.js';
import { AUDIT_HEAD_PURPOSE, Audit } from '../audit/audit.js';
import { createAuthorizer } from '../api/authz.js';
import { OncePerWindow } from '../throttle/once-per-window.js';
import { commonNameOf } from '../crypto/identity.js';
import { GatewayStreams } from '../api/gateway-streams.js';
import { createMetrics } from '../api/metrics.js';
import { internalErrorReporter } from '../internal-errors.js';
import { startServers, type Services } from '../api/server.js';
import { authService } from '../auth/auth-handlers.js';
import { adminService } from './admin-service.js';
import type { ControllerContext } from './context.js';
import { loadDataDir, paths, type LoadedDataDir } from './datadir.js';
import { startCheckpointer } from '../store/checkpointer.js';
import { serviceModules } from './modules.js';
import type { ModuleServices, ServiceModule } from './service-module.js';
import type { TelemetrySettings } from '../telemetry/module.js';
import type { SessionSettings } from '../sessions/session-manager.js';
import type { ProviderConfig } from '../sso/config.js';
import { SsoLogins, type SsoLimits } from '../sso/device-login.js';
import { BrowserSsoLogins } from '../sso/authorization-code.js';
import { limitSettings, type ListenerLimits } from '../api/listener-limits.js';
import { Revocation } from '../revocation/revocation.js';
import { LoginService } from '../auth/login.js';
import { startConsole, type RunningConsole } from '../console/console-server.js';
import type { ConsoleSessionLimits } from '../console/console-sessions.js';
import { DEFAULT_SESSION_SETTINGS } from '../sessions/module.js';
import { parseOverlayIpv6 } from '../sessions/overlay-ipv6.js';
import { AssertionKeys } from '../assertion-keys/assertion-keys.js';
import { httpsOrigin, validateIssuer } from './issuer.js';
import { advertisedAddress, ControllerRegistry } from '../controllers/registry.js';

/** Where the JWKS is served, on the console and metrics listeners. */
export const JWKS_PATH = '/.well-known/jwks.json';

export const DEFAULT_REAUTH_INTERVAL_MS = 12 * 3_600_000;

export interface StartOptions {
  dataDir: string;
  /** PostgreSQL holding the state (postgres://...); absent: SQLite in the data directory. Never logged unredacted. */
  databaseUrl?: string;
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
  /** The admin console (controller/console/): off unless given. Its certificate defaults to the controller's server certificate. */
  console?: { listen: string; certPem?: string; keyPem?: string; limits?: Partial<ConsoleSessionLimits>; signInPerMinute?: number };
  /** The identity assertions' `iss` (default: https:// and the console's address, else the API's). */
  issuer?: string;
}

export interface RunningController {
  ctx: ControllerContext;
  apiPort: number;
  authPort: number;
  metricsPort?: number;
  consolePort?: number;
  stop(graceMs?: number): Promise<void>;
}

function listenMetrics(server: Server, { host, port }: { host: string; port: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * The audit log with its sink and signed head. A data directory without a head file (made
 * before heads existed, or the file was removed) gets the database's current end anchored,
 * and says so in the log itself; a head the database no longer reaches is left in place
 * (verify keeps failing) and recorded.
 */
async function openAudit(data: LoadedDataDir, opts: StartOptions, log: Logger): Promise<Audit> {
  const audit = await Audit.open(data.store, {
    sinkPath: opts.auditLog,
    anchor: { path: paths(opts.dataDir).auditHead, key: data.masterKey.derive(AUDIT_HEAD_PURPOSE) },
    onError: (err) => log.error({ err }, 'audit sink or head file write failed (the record is committed)'),
  });
  const head = await audit.headState();
  if (head.state === 'missing') {
    log.warn('no audit head file: anchoring the audit log\'s current end');
    await audit.append(data.store, { actor: 'system', action: 'audit.head.reset', target: '', details: { reason: 'no head file; the current end of the log is anchored' } });
  } else if (head.state === 'mismatch') {
    log.error({ problem: head.message }, 'the audit log does not reach its signed head');
    await audit.append(data.store, { actor: 'system', action: 'audit.head.mismatch', target: '', details: { problem: head.message } });
  }
  return audit;
}

export async function startController(opts: StartOptions): Promise<RunningController> {
  const log = opts.log ?? createLogger('controller');
  const metricsAddress = opts.metricsListen ? splitHostPort(opts.metricsListen) : undefined;
  const givenIssuer = opts.issuer === undefined ? undefined : validateIssuer(opts.issuer);
  const data = await loadDataDir(opts.dataDir, { databaseUrl: opts.databaseUrl });
  const { store } = data;
  let audit: Audit;
  try {
    audit = await openAudit(data, opts, log);
  } catch (err) {
    await data.database.close();
    throw err;
  }
  const metrics = createMetrics();
  const now = opts.now ?? Date.now;
  // One audit record per identity and reason a minute: refusals are an attack signal, but a
  // caller repeating a refused call must not grow the audit log at will.
  const refusalWindow = new OncePerWindow(60_000);
  const reportInternal = internalErrorReporter(log, metrics);
  const ctx: ControllerContext = {
    store, audit, ca: data.ca, masterKey: data.masterKey, authorize: createAuthorizer(store, now, (r) => {
      metrics.refusals.inc({ reason: r.reason });
      const who = r.identities.length ? r.identities.map(commonNameOf).join(',') : `serial:${r.serial}`;
      const { record, suppressed } = refusalWindow.admit(`${who}|${r.reason}`, now());
      if (!record) return;
      log.warn({ reason: r.reason, identities: who, needed: r.kinds, message: r.message, suppressed }, 'call refused');
      // The caller gets its PERMISSION_DENIED whatever happens to the record.
      void audit.append(store, { actor: who, action: 'authz.refuse', target: who, details: { reason: r.reason, message: r.message, needed: r.kinds, serial: r.serial, suppressed } })
        .catch((err: unknown) => log.error({ err }, 'could not audit a refused call'));
    }),
    log, metrics, revocation: new Revocation({ store, audit, now }), gatewayStreams: new GatewayStreams(metrics.registry), now, reportInternal,
    config: {
      reauthIntervalMs: opts.reauthIntervalMs ?? DEFAULT_REAUTH_INTERVAL_MS, publicApi: opts.publicApi ?? opts.listen, gatewayCertValidityMs: 365 * 86_400_000,
      sessions: opts.sessions ?? {}, overlayPool: opts.sessions?.pool ?? DEFAULT_SESSION_SETTINGS.pool,
      overlayIpv6: parseOverlayIpv6(opts.sessions?.overlayIpv6 ?? DEFAULT_SESSION_SETTINGS.overlayIpv6, opts.sessions?.pool ?? DEFAULT_SESSION_SETTINGS.pool),
      // Set once the listeners are bound (a port 0 becomes the real one); no gateway is connected before.
      issuer: givenIssuer ?? '', signInUrl: '',
    },
    assertionKeys: new AssertionKeys({ store, audit, masterKey: data.masterKey, now, log: log.child({ module: 'assertion-keys' }) }),
    controllerRegistry: new ControllerRegistry({ store, now, reportInternal }),
    notifier: data.database.notifier,
  };
  store.onHookError = (err) => ctx.reportInternal('store.afterCommit', err);
  ctx.notifier.reportErrorsTo((err) => ctx.reportInternal('store.notifications', err));
  const sso = opts.sso?.length ? new SsoLogins(ctx, opts.sso, opts.ssoLimits) : undefined;
  const login = new LoginService(ctx);
  const modules: ModuleServices[] = [];
  try {
    // Listening before the modules read their state: nothing committed after that read is missed.
    await ctx.notifier.start();
    for (const m of opts.modules ?? serviceModules({ telemetry: opts.telemetry })) modules.push(await m(ctx));
  } catch (err) {
    for (const m of modules) await m.close?.();
    await data.database.close();
    throw err;
  }
  const services: Services = {
    auth: authService(ctx, sso, login),
    admin: adminService(ctx, sso, modules.flatMap((m) => m.adminExtras ?? [])),
    client: Object.assign({}, ...modules.map((m) => m.client ?? {})),
    gateway: Object.assign({}, ...modules.map((m) => m.gateway ?? {})),
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
    await data.database.close();
    throw err;
  }
  // WAL checkpoints are SQLite's; PostgreSQL looks after its own log.
  const checkpointer = data.database.sqlite ? startCheckpointer(data.database.sqlite, data.database.description) : undefined;
  const metricsServer = metricsAddress ? createServer((req, res) => {
    if (req.url === JWKS_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      ctx.assertionKeys.jwksJson().then(
        (jwks) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }).end(jwks),
        (err: unknown) => {
          log.error({ err }, 'JWKS for the metrics listener failed');
          res.writeHead(500).end('internal error\n');
        },
      );
      return;
    }
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
  let adminConsole: RunningConsole | undefined;
  if (opts.console) {
    // The console reaches the Admin API on loopback (a wildcard listen address is not one to dial).
    const apiHost = splitHostPort(opts.listen).host;
    const dialHost = apiHost === '0.0.0.0' || apiHost === '::' || apiHost === '' ? '127.0.0.1' : apiHost;
    try {
      adminConsole = await startConsole(
        { listen: opts.console.listen, certPem: opts.console.certPem ?? data.serverCertPem, keyPem: opts.console.keyPem ?? data.serverKeyPem, limits: opts.console.limits, signInPerMinute: opts.console.signInPerMinute },
        { login, api: { address: `${dialHost.includes(':') ? `[${dialHost}]` : dialHost}:${servers.apiPort}`, caPem: data.ca.certPem }, metrics: metrics.registry, log: log.child({ component: 'console' }), now,
          sso: sso && new BrowserSsoLogins(ctx, sso), jwks: () => ctx.assertionKeys.jwksJson(), appAccess: modules.find((m) => m.appAccess)?.appAccess },
      );
    } catch (err) {
      await servers.stop(0);
      await closeModules();
      metricsServer?.close();
      await checkpointer?.stop();
      await data.database.close();
      throw err;
    }
  }
  const browserFacing = adminConsole ? { host: splitHostPort(opts.console!.listen).host, port: adminConsole.port } : { host: splitHostPort(opts.listen).host, port: servers.apiPort };
  ctx.config.issuer = givenIssuer ?? httpsOrigin(browserFacing.host, browserFacing.port);
  // Browsers reach the controller where the issuer says (give --issuer when the console listens on a wildcard address).
  ctx.config.signInUrl = adminConsole ? `${ctx.config.issuer.replace(/\/$/, '')}/access/sign-in` : '';
  // Registered once the ports are bound, so that the addresses other controllers' admins see are real.
  await ctx.controllerRegistry.start({
    apiAddress: opts.publicApi ?? advertisedAddress(splitHostPort(opts.listen).host, servers.apiPort),
    authAddress: advertisedAddress(splitHostPort(opts.authListen).host, servers.authPort),
  }, () => {
    const held = modules.map((m) => m.load?.() ?? { gateways: [], clients: 0 });
    return { gateways: held.flatMap((l) => l.gateways), clients: held.reduce((n, l) => n + l.clients, 0) };
  });
  log.info({ controllerId: ctx.controllerRegistry.id, apiPort: servers.apiPort, authPort: servers.authPort, metricsPort, consolePort: adminConsole?.port, issuer: ctx.config.issuer, database: data.database.description }, 'controller started');

  return {
    ctx, apiPort: servers.apiPort, authPort: servers.authPort, metricsPort, consolePort: adminConsole?.port,
    stop: async (graceMs) => {
      await adminConsole?.close();
      await servers.stop(graceMs);
      await closeModules();
      // After the streams have ended and before the database closes: the row says it stopped cleanly.
      await ctx.controllerRegistry.stop();
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      await checkpointer?.stop();
      await data.database.close();
      log.info('controller stopped');
    },
  };
}
