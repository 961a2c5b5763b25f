// wicket-controller: `init` creates a data directory, `start` runs the controller from it;
// with --database (or WICKET_DATABASE_URL) the state is in PostgreSQL instead of DIR/controller.db.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runProgram, CliError } from '../../common/cli.js';
import { formatDuration, parseDuration } from '../../common/duration.js';
import { createLogger } from '../../common/log.js';
import { BOOTSTRAP_ADMIN_VALIDITY_MS, initDataDir, renewAdminCredentials } from '../app/datadir.js';
import { startController } from '../app/start.js';
import { validateIssuer } from '../app/issuer.js';
import { parseDatabaseUrl } from '../store/database.js';
import { DEFAULT_TELEMETRY_SETTINGS, type TelemetrySettings } from '../telemetry/module.js';
import { parsePool, type Pool } from '../sessions/ipam.js';
import { parseOverlayIpv6 } from '../sessions/overlay-ipv6.js';
import { DEFAULT_OVERLAY_IPV6 } from '../../common/ipv6.js';
import { DEFAULT_SESSION_SETTINGS } from '../sessions/module.js';
import { loadSsoConfig } from '../sso/config.js';
import { DEFAULT_SSO_LIMITS } from '../sso/device-login.js';
import { DEFAULT_LIMITS } from '../api/listener-limits.js';

// Whatever the controller creates (database, WAL, head file, audit sink) is its owner's
// only, whatever umask it was started with.
process.umask(0o077);

/** The help text of --database (init, start and admin-credentials take it). */
const DATABASE_HELP = 'PostgreSQL URL holding the controller\'s state (postgres://USER@HOST:PORT/DB; env WICKET_DATABASE_URL); default: SQLite in the data directory';

/**
 * The PostgreSQL URL from --database, else WICKET_DATABASE_URL; undefined for SQLite. The
 * environment is the way to keep a password out of the process list.
 */
function databaseUrl(flag: string | undefined): string | undefined {
  const url = flag || process.env.WICKET_DATABASE_URL || undefined;
  if (url === undefined) return undefined;
  try {
    parseDatabaseUrl(url);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  return url;
}

const program = new Command('wicket-controller').description('Wicket controller: identity, policy and sessions for the zero-trust perimeter');

program.command('init')
  .description('create the database, CA, master key, server certificate and admin credentials')
  .requiredOption('--data-dir <dir>', 'data directory to create')
  .option('--hostname <name>', 'a name or address clients use to reach the controller (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--database <url>', DATABASE_HELP)
  .action(async (o: { dataDir: string; hostname: string[]; database?: string }) => {
    let r;
    try {
      r = await initDataDir(o.dataDir, { hostnames: o.hostname, databaseUrl: databaseUrl(o.database) });
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError((err as Error).message);
    }
    process.stdout.write(`CA fingerprint (SHA-256): ${r.caFingerprint}\nadmin credentials: ${r.adminDir}\n`);
  });

program.command('admin-credentials')
  .description('write fresh bootstrap admin credentials to DIR/admin/ and revoke the earlier ones (run on the controller host)')
  .requiredOption('--data-dir <dir>', 'initialised data directory')
  .option('--validity <duration>', 'lifetime of the new credential (at most 90d)', formatDuration(BOOTSTRAP_ADMIN_VALIDITY_MS))
  .option('--database <url>', DATABASE_HELP)
  .action(async (o: { dataDir: string; validity: string; database?: string }) => {
    let r;
    try {
      r = await renewAdminCredentials(o.dataDir, { validityMs: parseDuration(o.validity), databaseUrl: databaseUrl(o.database) });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    process.stdout.write(`admin credentials: ${r.adminDir} (serial ${r.serial}, valid until ${new Date(r.notAfterMs).toISOString()}); revoked ${r.revoked} earlier\n`);
  });

const D = DEFAULT_TELEMETRY_SETTINGS.detections;

interface StartFlags {
  dataDir: string; database?: string; listen: string; authListen: string; metricsListen?: string; publicApi?: string; reauthInterval: string; auditLog?: string;
  probeThreshold: string; probeWindow: string; probeRevoke: boolean; endpointWindow: string; endpointRevoke?: boolean;
  telemetryRetention: string; telemetryMaxRows: string;
  authMaxConnectionsPerSource: string; authMaxConnections: string; apiMaxConnectionsPerSource: string; apiMaxConnections: string;
  handshakeTimeout: string; authIdleTimeout: string; apiIdleTimeout: string; maxConcurrentStreams: string;
  ssoMaxPendingPerSource: string; ssoMaxPending: string;
  consoleListen?: string; consoleCert?: string; consoleKey?: string; issuer?: string;
}

/** The console's listener and, when the operator brings one, its certificate and key. */
function consoleFlags(o: StartFlags): { listen: string; certPem?: string; keyPem?: string } | undefined {
  if (!o.consoleListen) {
    if (o.consoleCert || o.consoleKey) throw new CliError('--console-cert and --console-key need --console-listen');
    return undefined;
  }
  if (Boolean(o.consoleCert) !== Boolean(o.consoleKey)) throw new CliError('--console-cert and --console-key go together');
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`${flag}: ${(err as Error).message}`);
    }
  };
  return { listen: o.consoleListen, certPem: o.consoleCert && read('--console-cert', o.consoleCert), keyPem: o.consoleKey && read('--console-key', o.consoleKey) };
}

/** The listeners' limits from the start flags (the rest keep their defaults). */
function limitFlags(o: StartFlags) {
  const handshakeTimeoutMs = duration('--handshake-timeout', o.handshakeTimeout);
  return {
    auth: {
      maxConnectionsPerSource: positive('--auth-max-connections-per-source', o.authMaxConnectionsPerSource), maxConnections: positive('--auth-max-connections', o.authMaxConnections),
      handshakeTimeoutMs, idleTimeoutMs: duration('--auth-idle-timeout', o.authIdleTimeout),
    },
    api: {
      maxConnectionsPerSource: positive('--api-max-connections-per-source', o.apiMaxConnectionsPerSource), maxConnections: positive('--api-max-connections', o.apiMaxConnections),
      handshakeTimeoutMs, idleTimeoutMs: duration('--api-idle-timeout', o.apiIdleTimeout), maxConcurrentStreams: positive('--max-concurrent-streams', o.maxConcurrentStreams),
    },
  };
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a positive whole number, got ${JSON.stringify(text)}`);
  return n;
}

function overlayIpv6Flag(text: string, pool: Pool): string {
  try {
    return parseOverlayIpv6(text, pool);
  } catch (e) {
    throw new CliError(`--overlay-ipv6: ${(e as Error).message}`);
  }
}

function duration(flag: string, text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms < 1) throw new Error('must be positive');
    return ms;
  } catch (e) {
    throw new CliError(`${flag}: ${(e as Error).message}`);
  }
}

/** The telemetry module's settings from the start flags. */
function telemetrySettings(o: StartFlags): Partial<TelemetrySettings> {
  return {
    retention: { maxAgeMs: duration('--telemetry-retention', o.telemetryRetention), maxRows: positive('--telemetry-max-rows', o.telemetryMaxRows) },
    detections: {
      probe: { threshold: positive('--probe-threshold', o.probeThreshold), windowMs: duration('--probe-window', o.probeWindow), revoke: o.probeRevoke },
      endpoint: { windowMs: duration('--endpoint-window', o.endpointWindow), revoke: Boolean(o.endpointRevoke) },
    },
  };
}

program.command('start')
  .description('serve the auth port (server TLS) and the API port (mutual TLS)')
  .requiredOption('--data-dir <dir>', 'initialised data directory')
  .option('--database <url>', DATABASE_HELP)
  .requiredOption('--listen <host:port>', 'API port (mutual TLS)')
  .requiredOption('--auth-listen <host:port>', 'auth port (server TLS: login and gateway enrollment)')
  .option('--metrics-listen <host:port>', 'Prometheus /metrics endpoint')
  .option('--console-listen <host:port>', 'serve the admin console over HTTPS here (off unless given)')
  .option('--console-cert <file>', 'the console\'s TLS certificate (PEM; default: the controller\'s server certificate)')
  .option('--console-key <file>', 'the key of --console-cert (PEM)')
  .option('--public-api <host:port>', 'API endpoint announced to clients at login')
  .option('--issuer <url>', 'the `iss` of identity assertions (https URL; default: https:// and the console\'s address, else the API\'s)')
  .option('--reauth-interval <duration>', 'lifetime of user certificates', '12h')
  .option('--audit-log <file>', 'also append every audit record to this JSON-lines file')
  .option('--overlay-pool <cidr>', 'IPv4 pool session addresses come from', '100.64.0.0/10')
  .option('--overlay-ipv6 <prefix>', 'IPv6 prefix of the overlay: each overlay address\'s IPv6 twin (at least as many addresses as the pool)', DEFAULT_OVERLAY_IPV6)
  .option('--heartbeat-interval <duration>', 'how often clients report posture', '20s')
  .option('--heartbeat-timeout <duration>', 'a session without a heartbeat for this long ends', '90s')
  .option('--ack-timeout <duration>', 'how long Connect waits for gateway acknowledgements', '10s')
  .option('--max-sessions-per-user <n>', 'live sessions one user may hold; a Connect past it is refused', String(DEFAULT_SESSION_SETTINGS.maxSessionsPerUser))
  .option('--max-sessions-per-device <n>', 'live sessions one device may hold; a Connect past it is refused', String(DEFAULT_SESSION_SETTINGS.maxSessionsPerDevice))
  .option('--probe-threshold <n>', 'denied attempts from one session within --probe-window that raise security.probe', String(D.probe.threshold))
  .option('--probe-window <duration>', 'window of the probing detection', formatDuration(D.probe.windowMs))
  .option('--no-probe-revoke', 'only raise security.probe; do not revoke the probing session')
  .option('--endpoint-window <duration>', 'an endpoint moving to another /16 within this long raises security.endpoint_change', formatDuration(D.endpoint.windowMs))
  .option('--endpoint-revoke', 'also revoke the session on security.endpoint_change')
  .option('--telemetry-retention <duration>', 'delete telemetry older than this', formatDuration(DEFAULT_TELEMETRY_SETTINGS.retention.maxAgeMs))
  .option('--telemetry-max-rows <n>', 'keep at most this many flow rows and this many denied-attempt rows', String(DEFAULT_TELEMETRY_SETTINGS.retention.maxRows))
  .option('--oidc-config <file>', 'single sign-on: YAML file of OpenID providers (docs/sso.md)')
  .option('--auth-max-connections-per-source <n>', 'open connections one source (IPv4 address, IPv6 /64) may hold on the auth port', String(DEFAULT_LIMITS.auth.maxConnectionsPerSource))
  .option('--auth-max-connections <n>', 'open connections on the auth port in all', String(DEFAULT_LIMITS.auth.maxConnections))
  .option('--api-max-connections-per-source <n>', 'open connections one source may hold on the API port', String(DEFAULT_LIMITS.api.maxConnectionsPerSource))
  .option('--api-max-connections <n>', 'open connections on the API port in all', String(DEFAULT_LIMITS.api.maxConnections))
  .option('--handshake-timeout <duration>', 'a TLS handshake not finished by then is cut (both ports)', formatDuration(DEFAULT_LIMITS.auth.handshakeTimeoutMs))
  .option('--auth-idle-timeout <duration>', 'an auth-port connection without a call for this long is closed', formatDuration(DEFAULT_LIMITS.auth.idleTimeoutMs))
  .option('--api-idle-timeout <duration>', 'an API-port connection without a call for this long is closed', formatDuration(DEFAULT_LIMITS.api.idleTimeoutMs))
  .option('--max-concurrent-streams <n>', 'calls one API-port connection may have open at once', String(DEFAULT_LIMITS.api.maxConcurrentStreams))
  .option('--sso-max-pending-per-source <n>', 'pending single sign-on logins one source may have', String(DEFAULT_SSO_LIMITS.maxPendingPerSource))
  .option('--sso-max-pending <n>', 'pending single sign-on logins in all', String(DEFAULT_SSO_LIMITS.maxPending))
  .action(async (o: StartFlags & { oidcConfig?: string; overlayPool: string; overlayIpv6: string; heartbeatInterval: string; heartbeatTimeout: string; ackTimeout: string;
    maxSessionsPerUser: string; maxSessionsPerDevice: string }) => {
    const reauthIntervalMs = parseDuration(o.reauthInterval);
    if (reauthIntervalMs < 60_000) throw new CliError('--reauth-interval must be at least 1m');
    const pool = parsePool(o.overlayPool);
    const sessions = {
      pool,
      overlayIpv6: overlayIpv6Flag(o.overlayIpv6, pool),
      heartbeatIntervalMs: parseDuration(o.heartbeatInterval),
      heartbeatTimeoutMs: parseDuration(o.heartbeatTimeout),
      ackTimeoutMs: parseDuration(o.ackTimeout),
      maxSessionsPerUser: positive('--max-sessions-per-user', o.maxSessionsPerUser),
      maxSessionsPerDevice: positive('--max-sessions-per-device', o.maxSessionsPerDevice),
    };
    if (sessions.heartbeatTimeoutMs <= sessions.heartbeatIntervalMs) throw new CliError('--heartbeat-timeout must be longer than --heartbeat-interval');
    const telemetry = telemetrySettings(o);
    const limits = limitFlags(o);
    const ssoLimits = { maxPendingPerSource: positive('--sso-max-pending-per-source', o.ssoMaxPendingPerSource), maxPending: positive('--sso-max-pending', o.ssoMaxPending) };
    let sso;
    try {
      sso = o.oidcConfig ? loadSsoConfig(o.oidcConfig) : undefined;
    } catch (err) {
      throw new CliError(`--oidc-config: ${(err as Error).message}`);
    }
    const adminConsole = consoleFlags(o);
    let issuer;
    try {
      issuer = o.issuer === undefined ? undefined : validateIssuer(o.issuer);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const database = databaseUrl(o.database);
    const log = createLogger('controller');
    const controller = await startController({ console: adminConsole, sso, dataDir: o.dataDir, databaseUrl: database, listen: o.listen, authListen: o.authListen, metricsListen: o.metricsListen, publicApi: o.publicApi, reauthIntervalMs, auditLog: o.auditLog, log, sessions, telemetry, limits, ssoLimits, issuer });
    // The last boundary: what escaped every guard is logged and counted, never fatal (a
    // client or gateway must not be able to end the controller).
    process.on('uncaughtException', (err) => controller.ctx.reportInternal('process', err));
    process.on('unhandledRejection', (err) => controller.ctx.reportInternal('process', err));
    process.stdout.write(`listening: api ${controller.apiPort}, auth ${controller.authPort}${controller.metricsPort ? `, metrics ${controller.metricsPort}` : ''}${controller.consolePort ? `, console ${controller.consolePort}` : ''}\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info({ signal }, 'shutting down');
        controller.stop().then(resolve, (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          resolve();
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  });

await runProgram(program);
