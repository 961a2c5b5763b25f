// `npm run demo`: the first five minutes with Wicket. Builds a small network of namespaces
// (controller, gateway with a resource LAN, two remote workers), runs the real controller,
// gateway and client CLIs on an embedded SQLite database (or, with `--postgres`, a throwaway
// PostgreSQL), and narrates what happens with real results and timings: least privilege, a
// live revocation cutting an open connection, flows, denied attempts and the audit trail.
// `--json` prints a machine-readable summary on stdout (progress goes to stderr); `--keep`
// leaves everything running until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import QRCode from 'qrcode';
import { otpauthUri } from '../controller/auth/totp.js';
import { ADDR, startStream, tcpConnect, type TcpOutcome } from './topology/index.js';
import { eventually, PORTS, samplePolicy, WicketSystem } from './topology/system.js';
import { formatMs, Progress } from './demo/progress.js';
import { expectedOutcomesMet, type DemoSummary } from './demo/summary.js';
import { topologyProblems } from './topology/prerequisites.js';
import { useThrowawayPostgres } from './postgres-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Echo interval of the stream that measures the revocation: the measurement's resolution. */
const STREAM_INTERVAL_MS = 10;
/** How long the revoked stream must stay silent to count as cut. */
const QUIET_MS = 1000;

interface Options { json?: boolean; keep?: boolean; postgres?: boolean }

interface SessionView { id: string; acks: { gateway: string; ackedAtMs: number }[] }
interface AuditRecord { id: number; atMs: number; actor: string; action: string; target: string }

/** What a run found out; turned into the summary at the end. */
type Outcomes = Omit<DemoSummary, 'totalMs' | 'steps' | 'run' | 'error'>;

const initialOutcomes = (): Outcomes => ({
  webappReached: false, webappFirstLine: '', databaseBlocked: false, bobReachedBoth: false,
  revocationCutMs: null, connectionCut: false, gatewayAckMs: null, flowsRecorded: false, auditVerified: false, consoleAnswered: false,
});

/** The console's sign-in page, fetched in the controller's namespace with the controller's CA (the status line and title). */
async function consoleSignInPage(sys: WicketSystem): Promise<string> {
  const script = `import { get } from 'node:https'; import { readFileSync } from 'node:fs';
get(process.argv[1], { ca: readFileSync(process.argv[2]), timeout: 5000 }, (res) => {
  let body = ''; res.on('data', (c) => { body += c; });
  res.on('end', () => process.stdout.write(res.statusCode + ' ' + (/<title>([^<]*)</.exec(body)?.[1] ?? '')));
}).on('error', (e) => { process.stderr.write(e.message); process.exit(1); });`;
  return sys.topo.exec('ctl', process.execPath, ['--input-type=module', '-e', script, `https://127.0.0.1:${PORTS.console}/sign-in`, join(sys.dataDir, 'ca.crt')], { timeoutMs: 10_000 });
}

/** Fetches a URL from inside a host's namespace with Node's fetch and returns the body. */
async function fetchFrom(sys: WicketSystem, role: string, url: string): Promise<string> {
  const script = 'const r = await fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }); process.stdout.write(await r.text());';
  return sys.topo.exec(role, process.execPath, ['--input-type=module', '-e', script, url], { timeoutMs: 10_000 });
}

const describeOutcome = (o: TcpOutcome) =>
  ({ connected: 'connected', refused: 'refused', timeout: 'no answer (dropped)', error: 'no route (not in her tunnel)' })[o];

/** `wicketctl flows --json`. */
interface FlowsView { flows: unknown[]; denied: unknown[] }

async function scenario(sys: WicketSystem, p: Progress, o: Outcomes, store: string): Promise<void> {
  const topo = sys.topo;
  await p.step(`Initialise the controller (${store}, CA, master key); start the web app and database`, async () => {
    await Promise.all([sys.initController(), sys.startResources()]);
  }, () => `CA fingerprint ${sys.fingerprint.slice(0, 16)}…; web app ${ADDR.r1}:${PORTS.web}, database ${ADDR.r2}:${PORTS.db}`);
  await p.step('Start the controller', () => sys.startController(['--console-listen', `0.0.0.0:${PORTS.console}`]),
    () => `API ${ADDR.ctl}:${PORTS.api} (mutual TLS), auth ${ADDR.ctl}:${PORTS.auth}, admin console https://${ADDR.ctl}:${PORTS.console}/`);
  await p.step('Add users alice and bob, and ada, an admin for the console (scrypt password + TOTP secret)', async () => {
    await Promise.all([sys.addUser('alice'), sys.addUser('bob'), sys.addUser('ada', [], { admin: true })]);
  });
  await p.step('The admin console serves its sign-in page over HTTPS', async () => {
    const answer = await consoleSignInPage(sys);
    o.consoleAnswered = answer.startsWith('200 ');
    if (!o.consoleAnswered) throw new Error(`the console answered ${answer}`);
    return answer;
  }, (answer) => answer);
  await p.step('Apply the sample policy (its embedded tests run first)', () => sys.applyPolicy(samplePolicy()),
    () => 'alice: web app only; bob: web app and database');
  await p.step('Enroll gateway dc1 with a one-time join token', () => sys.enrollGateway());
  await p.step('Start the gateway (WireGuard + nftables) and sync', () => sys.startGateway(), () => `interface ${sys.gatewayIf}`);

  await p.step('alice logs in with password + TOTP code', () => sys.login('c1', 'alice'));
  const alice = await p.step('alice brings her session up (fresh WireGuard key, split tunnel)', () => sys.up('c1', 'alice', 'a'),
    (r) => `overlay address ${r.session.overlayAddress}, gateway acknowledged`);

  const page = await p.step(`alice fetches the web app http://${ADDR.r1}/`, () => fetchFrom(sys, 'c1', `http://${ADDR.r1}:${PORTS.web}/`),
    (body) => `"${body.split('\n')[0]}"`);
  o.webappFirstLine = page.split('\n')[0] ?? '';
  o.webappReached = o.webappFirstLine.length > 0;

  const direct = await p.step(`alice tries the database ${ADDR.r2}:${PORTS.db}`, () => tcpConnect(topo, 'c1', ADDR.r2, PORTS.db), describeOutcome);
  // The client is untrusted: widen its own WireGuard config and routes, and the gateway still drops it.
  const forced = await p.step('alice widens her own WireGuard config to the whole LAN and tries again', async () => {
    const gwKey = (await topo.exec('c1', 'wg', ['show', alice.interface, 'peers'])).trim();
    await topo.exec('c1', 'wg', ['set', alice.interface, 'peer', gwKey, 'allowed-ips', `${ADDR.r1}/32,${ADDR.r2}/32`]);
    await topo.exec('c1', 'ip', ['route', 'replace', `${ADDR.r2}/32`, 'dev', alice.interface]);
    return tcpConnect(topo, 'c1', ADDR.r2, PORTS.db);
  }, (r) => `${describeOutcome(r)} — the gateway enforces, not the client`);
  o.databaseBlocked = direct !== 'connected' && forced !== 'connected';

  await p.step('bob logs in and brings his session up', async () => {
    await sys.login('c2', 'bob');
    return sys.up('c2', 'bob', 'b');
  }, (r) => `overlay address ${r.session.overlayAddress}`);
  const bob = await p.step('bob tries the web app and the database', async () => ({
    web: await tcpConnect(topo, 'c2', ADDR.r1, PORTS.web),
    db: await tcpConnect(topo, 'c2', ADDR.r2, PORTS.db),
  }), (r) => `web app: ${r.web}, database: ${r.db}`);
  o.bobReachedBoth = bob.web === 'connected' && bob.db === 'connected';

  const stream = await p.step('alice opens a long-lived connection to the web app (an echo every 10 ms)', async () => {
    const s = await startStream(topo, 'c1', ADDR.r1, PORTS.echo, STREAM_INTERVAL_MS);
    await s.waitForEchoes(5, 10_000);
    return s;
  }, (s) => `${s.echoes} echoes so far`);
  await p.step('An admin revokes alice\'s session while the connection is open', async () => {
    await sys.wicketctl(['session', 'revoke', alice.session.id, '--reason', 'demo: access withdrawn']);
    const issued = Date.now();
    await eventually(() => Date.now() - Math.max(stream.lastEchoAt, issued) > QUIET_MS, 10_000, 'the revoked connection keeps carrying data');
    o.connectionCut = true;
    stream.stop();
    const [records, sessions] = await Promise.all([
      sys.wicketctlJson<AuditRecord[]>(['audit', '--action', 'session.revoke']),
      sys.wicketctlJson<SessionView[]>(['session', 'list', '--all']),
    ]);
    const record = records.find((r) => r.target === alice.session.id);
    if (!record) throw new Error('no session.revoke audit record');
    o.revocationCutMs = Math.max(0, stream.lastEchoAt - record.atMs);
    const ended = sessions.find((s) => s.id === alice.session.id);
    const ack = ended?.acks.find((a) => a.ackedAtMs > 0);
    o.gatewayAckMs = ack ? Math.max(0, ack.ackedAtMs - record.atMs) : null;
  }, () => `the connection died ${o.revocationCutMs} ms after the revocation (±${STREAM_INTERVAL_MS} ms); `
    + `gateway acknowledged after ${o.gatewayAckMs ?? '?'} ms`);

  const seen = await p.step('Flows and denied attempts reported by the gateway', async () => {
    let view: FlowsView = { flows: [], denied: [] };
    // Flow records arrive with the gateway's next telemetry batch after a connection ends.
    await eventually(async () => (view = await sys.wicketctlJson<FlowsView>(['flows'])).flows.length > 0, 20_000, 'flow records')
      .catch(() => undefined);
    return view;
  }, (v) => `${v.flows.length} flow records, ${v.denied.length} denied attempt record${v.denied.length === 1 ? '' : 's'}`);
  o.flowsRecorded = seen.flows.length > 0;
  p.say((await sys.wicketctl(['flows'])).split('\n').filter((l) => l.trim() !== '').slice(0, 16).join('\n'));

  const [audit, verify] = await p.step('The audit trail and `wicketctl audit verify`', () => Promise.all([
    sys.wicketctlJson<AuditRecord[]>(['audit']),
    sys.wicketctlJson<{ ok: boolean; message: string }>(['audit', 'verify']),
  ]), ([records, v]) => `${records.length} hash-chained records; ${v.message}`);
  for (const r of audit.slice(-14)) p.say(`#${String(r.id).padEnd(3)} ${new Date(r.atMs).toISOString().slice(11, 23)}  ${r.actor.padEnd(14)} ${r.action.padEnd(16)} ${r.target}`);
  o.auditVerified = verify.ok;
}

/** The commands that explore a kept demo, with this run's names filled in. */
async function exploreHelp(sys: WicketSystem): Promise<string> {
  const bin = (name: string) => relative(process.cwd(), join(ROOT, 'bin', name)) || join(ROOT, 'bin', name);
  const ns = (role: string) => sys.topo.ns(role);
  const ada = sys.credentials('ada');
  const ctl = `ip netns exec ${ns('ctl')} node ${bin('wicketctl')} --controller 127.0.0.1:${PORTS.api} --credentials ${join(sys.dataDir, 'admin')}`;
  return [
    'The demo is still running. In another terminal, as root:',
    `  ip netns exec ${ns('c2')} node ${bin('wicket')} --state-dir ${sys.stateDir('c2', 'bob')} status`,
    `  ip netns exec ${ns('c2')} curl -s http://${ADDR.r1}/`,
    `  ${ctl} session list --all`,
    `  ${ctl} policy show`,
    `  ${ctl} audit`,
    `  ip netns exec ${ns('gw')} wg show ${sys.gatewayIf}`,
    `  ip netns exec ${ns('gw')} nft list table inet wicket`,
    '',
    `The admin console: https://${ADDR.ctlFromMachine}:${PORTS.console}/ (from this machine's browser).`,
    `  Its certificate is signed by this run's own CA (${join(sys.dataDir, 'ca.crt')}, SHA-256 ${sys.fingerprint}):`,
    '  import that file into the browser, or accept the warning after comparing the fingerprint.',
    `  Sign in as ada, password "${ada.password}", with the code from an authenticator app that scanned this`,
    `  (or that was given the secret ${ada.totpSecret}):`,
    await QRCode.toString(otpauthUri('ada', ada.totpSecret), { type: 'terminal', small: true }),
    `Namespaces: ${sys.topo.ns('ctl').replace(/-ctl$/, '-*')} (ip netns list); state: ${sys.dir}`,
    'Press Ctrl-C here to stop everything and clean up.',
    `If this process was killed: for n in $(ip netns list | grep -o '^wk${sys.topo.suffix}-[a-z0-9]*'); do ip netns pids $n | xargs -r kill -9; ip netns del $n; done; rm -rf ${sys.dir} /var/run/wireguard/wk${sys.topo.suffix}*.sock`,
  ].join('\n');
}

/** Every process in this run's namespaces (reported so a test can check that all are gone). */
function runPids(namespaces: string[]): number[] {
  return namespaces.flatMap((n) => execFileSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number));
}

async function main(opts: Options): Promise<number> {
  const problems = await topologyProblems();
  if (problems.length) {
    process.stderr.write(`The demo builds network namespaces and WireGuard interfaces, and cannot run here:\n${problems.map((m) => `  - ${m}`).join('\n')}\n(bash scripts/install-deps.sh installs the packages; run as root: sudo npm run demo)\n`);
    return 1;
  }
  const started = performance.now();
  // With --json, stdout carries only the summary; the narration goes to stderr.
  const out = opts.json ? process.stderr : process.stdout;
  const p = new Progress(out);
  const o = initialOutcomes();
  out.write('Wicket demo: a controller, a gateway in front of a web app and a database, two remote workers.\n');
  const sys = await p.step('Build the network namespaces (controller, gateway + resource LAN, two workers)', () => WicketSystem.create('wicket-demo-'),
    (s) => `wk${s.topo.suffix}-*`);
  // Topology's own handlers kill the processes and namespaces on exit and Ctrl-C; this removes the state dir too.
  process.on('exit', () => sys.cleanup());
  const interfaces = [sys.gatewayIf, sys.topo.ifname('a'), sys.topo.ifname('b')];
  let error: string | undefined;
  let store = 'embedded SQLite';
  try {
    if (opts.postgres) {
      await p.step("Start a throwaway PostgreSQL for the controller (Debian's postgresql package)", () => useThrowawayPostgres(), (s) => `socket ${s.socketDir}`);
      store = 'PostgreSQL';
    }
    await scenario(sys, p, o, store);
  } catch (e) {
    error = (e as Error).message;
    out.write(`\nThe demo stopped: ${error}\n`);
  }
  if (opts.keep && error === undefined) {
    // The browser runs on this machine, outside the namespaces: one link reaches the console.
    await sys.topo.linkToMachine('ctl', `${ADDR.machine}/30`, `${ADDR.ctlFromMachine}/30`);
    out.write(`\n${await exploreHelp(sys)}\n`);
    await new Promise<never>(() => setInterval(() => undefined, 60_000));
  }
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n')
    .map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(`wk${sys.topo.suffix}-`));
  const pids = runPids(namespaces);
  await p.step('Clean up: processes, namespaces, interfaces, sockets, state', async () => sys.cleanup());
  const summary: DemoSummary = {
    ...o, totalMs: Math.round(performance.now() - started), steps: p.steps,
    run: { namespaces, interfaces, dir: sys.dir, pids }, ...(error === undefined ? {} : { error }),
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    out.write(`\nDone in ${formatMs(summary.totalMs)}: web app ${o.webappReached ? 'reached' : 'NOT reached'}, database ${o.databaseBlocked ? 'blocked' : 'NOT blocked'}, `
      + `bob ${o.bobReachedBoth ? 'reached both' : 'did NOT reach both'}, revocation ${o.connectionCut ? `cut the open connection in ${o.revocationCutMs} ms` : 'did NOT cut the connection'}, `
      + `flows ${o.flowsRecorded ? 'recorded' : 'NOT recorded'}, audit chain ${o.auditVerified ? 'verified' : 'NOT verified'}.\n`);
  }
  return expectedOutcomesMet(summary) ? 0 : 1;
}

const program = new Command('demo')
  .description('run Wicket end to end in network namespaces and narrate what happens (root)')
  .option('--json', 'print a machine-readable summary on stdout (progress on stderr)')
  .option('--keep', 'leave the system running after the demo, print how to explore it, clean up on Ctrl-C')
  .option('--postgres', "keep the controller's state in a throwaway PostgreSQL (Debian's postgresql package) instead of the embedded SQLite")
  .action(async (opts: Options) => { process.exitCode = await main(opts); });
await program.parseAsync();
