// wicket-gateway: the gateway agent's command line (`enroll` once, then `start`).
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, printJson, readStdin, runProgram } from '../../common/cli.js';
import { createLogger } from '../../common/log.js';
import { parseDuration } from '../../common/duration.js';
import { DEFAULT_OVERLAY_IPV6, ipv6Cidr } from '../../common/ipv6.js';
import { parseControllerList } from '../../common/controller-list.js';
import { enrollGateway } from '../agent/enroll.js';
import { parseResolverServers } from '../dns/resolver.js';
import { startGateway } from './start.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port number 1-65535');
  return n;
}

/** A commander parser for a duration from `minMs` to `maxMs` (`range` says them as a person would). */
function durationBetween(minMs: number, maxMs: number, range: string): (value: string) => number {
  return (value) => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
    if (ms < minMs || ms > maxMs) throw new InvalidArgumentError(`expected a duration between ${range}`);
    return ms;
  };
}

/** An IPv6 prefix in canonical CIDR text ("fd6b:7769:636b::/64"). */
function ipv6Prefix(value: string): string {
  try {
    if (!value.includes('/')) throw new Error('no prefix length');
    return ipv6Cidr(value);
  } catch {
    throw new InvalidArgumentError('expected an IPv6 prefix such as fd6b:7769:636b::/64');
  }
}

const reportInterval = durationBetween(100, 3_600_000, '100ms and 1h');
const publicSession = durationBetween(1000, 86_400_000, '1s and 24h');
const dnsTtl = durationBetween(1000, 86_400_000, '1s and 24h');
const dnsGrace = durationBetween(0, 3_600_000, '0s and 1h');

function resolverServers(value: string): string[] {
  try {
    return parseResolverServers(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function controllerList(value: string): string[] {
  try {
    return parseControllerList(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000_000) throw new InvalidArgumentError('expected a whole number 1-100000000');
  return n;
}

const program = new Command('wicket-gateway')
  .description('Wicket gateway agent: enforces the controller\'s sessions with WireGuard and nftables')
  .addOption(new Option('--log-level <level>', 'log verbosity (logs go to stderr)').choices(LOG_LEVELS).default(process.env.WICKET_LOG_LEVEL ?? 'info'));

program.command('enroll')
  .description('exchange a one-time join token for this gateway\'s certificate')
  .requiredOption('--controller <host:port,...>', 'the controller\'s auth port; with several controllers a comma-separated list, tried in order')
  .requiredOption('--ca-fingerprint <sha256>', 'the controller CA fingerprint printed by `wicket-controller init`')
  .option('--token <token>', 'join token from `wicketctl gateway token NAME`')
  .option('--token-stdin', 'read the join token from stdin (keeps it out of the process list)')
  .requiredOption('--state-dir <dir>', 'where the gateway keeps its keys and certificate')
  .option('--force', 'replace an existing enrollment (the WireGuard key is kept)')
  .option('--json', 'print the enrollment as JSON')
  .action(async (opts: { controller: string; caFingerprint: string; token?: string; tokenStdin?: boolean; stateDir: string; force?: boolean; json?: boolean }) => {
    if (Boolean(opts.token) === Boolean(opts.tokenStdin)) throw new CliError('give the join token with exactly one of --token or --token-stdin');
    const token = opts.tokenStdin ? await readStdin() : opts.token!;
    const info = await enrollGateway({ controller: opts.controller, caFingerprint: opts.caFingerprint, token, stateDir: opts.stateDir, force: opts.force });
    if (opts.json) printJson(info);
    else process.stdout.write(`enrolled as gateway ${info.name}; identity stored in ${opts.stateDir}\n`);
  });

program.command('start')
  .description('run the gateway: data plane + sync with the controller, until SIGTERM/SIGINT')
  .requiredOption('--state-dir <dir>', 'the enrolled state directory')
  .requiredOption('--controller <host:port,...>', 'the controller\'s API port; with several controllers a comma-separated list (Sync moves to the next when one fails)', controllerList)
  .requiredOption('--endpoint <host:port>', 'where clients reach this gateway\'s WireGuard port')
  .requiredOption('--interface <ifname>', 'the WireGuard interface to create or take over')
  .option('--listen-port <port>', 'WireGuard listen port (default: the --endpoint port)', port)
  .option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics')
  .option('--overlay-pool <cidr>', 'the controller\'s overlay address pool (default 100.64.0.0/10)')
  .option('--overlay-ipv6 <prefix>', `the controller's IPv6 overlay prefix (default ${DEFAULT_OVERLAY_IPV6})`, ipv6Prefix)
  .option('--teardown-on-exit', 'remove the interface and nftables table on exit (default: leave them; sessions end by their timeouts)')
  .option('--report-interval <duration>', 'how often telemetry is collected and sent to the controller', reportInterval, 5000)
  .option('--telemetry-buffer <records>', 'telemetry records kept while the controller is unreachable (the overflow is counted and reported)', positiveInt, 100_000)
  .option('--public-listen <host:port>', 'serve public HTTP resources to browsers without the tunnel on https://HOST:PORT (needs --public-cert and --public-key)')
  .option('--public-cert <file>', 'the public listener\'s certificate (PEM, for the resources\' hostnames)')
  .option('--public-key <file>', 'the public listener\'s private key (PEM, readable by its owner only)')
  .option('--public-session <duration>', 'how long a browser\'s cookie lasts before it goes back through the controller', publicSession, 600_000)
  .option('--dns-resolver <host[:port],...>', 'the DNS servers that resolve name destinations (IP addresses; default: the system\'s)', resolverServers)
  .addOption(new Option('--dns-min-ttl <duration>', 'a name is re-resolved no sooner than this, whatever its TTL').argParser(dnsTtl).default(5000, '5s'))
  .addOption(new Option('--dns-max-ttl <duration>', 'a name is re-resolved at least this often, and answers say no longer').argParser(dnsTtl).default(300_000, '5m'))
  .addOption(new Option('--dns-grace <duration>', 'how long an address that stopped resolving stays reachable').argParser(dnsGrace).default(30_000, '30s'))
  .action(async (opts: { stateDir: string; controller: string[]; endpoint: string; interface: string; listenPort?: number; metricsListen?: string; overlayPool?: string; overlayIpv6?: string; teardownOnExit?: boolean; reportInterval: number; telemetryBuffer: number;
    publicListen?: string; publicCert?: string; publicKey?: string; publicSession: number; dnsResolver?: string[]; dnsMinTtl: number; dnsMaxTtl: number; dnsGrace: number }) => {
    const log = createLogger('wicket-gateway');
    log.level = program.opts<{ logLevel: string }>().logLevel;
    if (opts.publicListen !== undefined && (opts.publicCert === undefined || opts.publicKey === undefined)) throw new CliError('--public-listen needs --public-cert and --public-key');
    if (opts.dnsMinTtl > opts.dnsMaxTtl) throw new CliError('--dns-min-ttl is above --dns-max-ttl');
    const publicListener = opts.publicListen === undefined ? undefined : { listen: opts.publicListen, certFile: opts.publicCert!, keyFile: opts.publicKey!, sessionMs: opts.publicSession };
    const dns = { servers: opts.dnsResolver, minTtlMs: opts.dnsMinTtl, maxTtlMs: opts.dnsMaxTtl, graceMs: opts.dnsGrace };
    const { controller: controllers, ...rest } = opts;
    await startGateway({ ...rest, controllers, reportIntervalMs: opts.reportInterval, telemetryBuffer: opts.telemetryBuffer, publicListener, dns }, log);
    process.exit(0);
  });

await runProgram(program);
