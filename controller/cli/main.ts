// wicket-controller: `init` creates a data directory, `start` runs the controller from it.
import { Command } from 'commander';
import { runProgram, CliError } from '../../common/cli.js';
import { parseDuration } from '../../common/duration.js';
import { createLogger } from '../../common/log.js';
import { initDataDir } from './datadir.js';
import { startController } from './start.js';
import { parsePool } from '../sessions/ipam.js';

const program = new Command('wicket-controller').description('Wicket controller: identity, policy and sessions for the zero-trust perimeter');

program.command('init')
  .description('create the database, CA, master key, server certificate and admin credentials')
  .requiredOption('--data-dir <dir>', 'data directory to create')
  .option('--hostname <name>', 'a name or address clients use to reach the controller (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .action((o: { dataDir: string; hostname: string[] }) => {
    const r = initDataDir(o.dataDir, o.hostname);
    process.stdout.write(`CA fingerprint (SHA-256): ${r.caFingerprint}\nadmin credentials: ${r.adminDir}\n`);
  });

program.command('start')
  .description('serve the auth port (server TLS) and the API port (mutual TLS)')
  .requiredOption('--data-dir <dir>', 'initialised data directory')
  .requiredOption('--listen <host:port>', 'API port (mutual TLS)')
  .requiredOption('--auth-listen <host:port>', 'auth port (server TLS: login and gateway enrollment)')
  .option('--metrics-listen <host:port>', 'Prometheus /metrics endpoint')
  .option('--public-api <host:port>', 'API endpoint announced to clients at login')
  .option('--reauth-interval <duration>', 'lifetime of user certificates', '12h')
  .option('--audit-log <file>', 'also append every audit record to this JSON-lines file')
  .option('--overlay-pool <cidr>', 'IPv4 pool session addresses come from', '100.64.0.0/10')
  .option('--heartbeat-interval <duration>', 'how often clients report posture', '20s')
  .option('--heartbeat-timeout <duration>', 'a session without a heartbeat for this long ends', '90s')
  .option('--ack-timeout <duration>', 'how long Connect waits for gateway acknowledgements', '10s')
  .action(async (o: { dataDir: string; listen: string; authListen: string; metricsListen?: string; publicApi?: string; reauthInterval: string; auditLog?: string;
    overlayPool: string; heartbeatInterval: string; heartbeatTimeout: string; ackTimeout: string }) => {
    const reauthIntervalMs = parseDuration(o.reauthInterval);
    if (reauthIntervalMs < 60_000) throw new CliError('--reauth-interval must be at least 1m');
    const sessions = {
      pool: parsePool(o.overlayPool),
      heartbeatIntervalMs: parseDuration(o.heartbeatInterval),
      heartbeatTimeoutMs: parseDuration(o.heartbeatTimeout),
      ackTimeoutMs: parseDuration(o.ackTimeout),
    };
    if (sessions.heartbeatTimeoutMs <= sessions.heartbeatIntervalMs) throw new CliError('--heartbeat-timeout must be longer than --heartbeat-interval');
    const log = createLogger('controller');
    const controller = await startController({ dataDir: o.dataDir, listen: o.listen, authListen: o.authListen, metricsListen: o.metricsListen, publicApi: o.publicApi, reauthIntervalMs, auditLog: o.auditLog, log, sessions });
    process.stdout.write(`listening: api ${controller.apiPort}, auth ${controller.authPort}${controller.metricsPort ? `, metrics ${controller.metricsPort}` : ''}\n`);
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
