// Benchmark: `wicket status` and `wicketctl session list --json` as a person runs them, each a
// whole process from spawn to exit (module loading included, which is most of it), against
// a controller in this process holding N live sessions (`[N]`, default 10,000; 1,000 with
// --quick). The status comes from a real password login (its certificate in the state
// directory) and a recorded active session with entitlements on two gateways; wicketctl uses
// the bootstrap admin credential over mutual TLS and lists every live session. `node -e 0` runs between
// them as the floor: no command can start faster. The three run in turn (20 rounds, 5 with
// --quick) so that a busy machine slows all of them alike; p50 and p90 of each are printed,
// the p50 against the goal (<= 150 ms). `--bin-dir DIR` times the bin/ of another build
// (another checkout's, for a before/after comparison) against the same controller.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { login } from '../client/login.js';
import { StateDir } from '../client/state.js';
import { call } from '../common/grpc.js';
import { ApiChannels } from '../common/api-channels.js';
import { credentialFiles, initDataDir } from '../controller/app/datadir.js';
import { startController } from '../controller/app/start.js';
import { totpCode } from '../controller/auth/totp.js';
import type { Posture } from '../controller/policy/posture.js';

const QUICK = process.argv.includes('--quick');
/** `cli-startup.js [N]`: N live sessions instead of the default. */
const sizeArg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
const SESSIONS = sizeArg ? Number(sizeArg) : QUICK ? 1_000 : 10_000;
const ROUNDS = QUICK ? 5 : 20;
const GOAL_MS = 150;
const HOUR = 3_600_000;
/** Rows per store transaction while filling. */
const BATCH = 5_000;
const binIndex = process.argv.indexOf('--bin-dir');
const BIN = binIndex > 0 ? process.argv[binIndex + 1]! : fileURLToPath(new URL('../../bin/', import.meta.url));

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** Runs a command to its exit; resolves with its wall time (ms) and stdout; rejects on a non-zero exit. */
function timed(args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`));
      else resolve({ ms, stdout });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'wicket-bench-cli-'));
try {
  const { caFingerprint } = await initDataDir(join(dir, 'data'));
  const silent = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
  // The filled sessions send no heartbeats: keep them live for the run.
  const controller = await startController({
    dataDir: join(dir, 'data'), listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: silent, sessions: { heartbeatTimeoutMs: 6 * HOUR },
  });
  const { store } = controller.ctx;
  const now = Date.now();
  const users = Array.from({ length: 40 }, (_, i) => `user${i}`);
  for (const name of users) await store.users.add({ name, passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: now }, []);
  const entitlement = (i: number) => ({
    resource: `app${i}`, gateway: i % 2 ? 'dc2' : 'dc1', destination: `10.20.${i}.10/32`, protocol: 'tcp' as const, portFrom: 443, portTo: 443,
    grant: 'eng', http: null, standbyGateways: [],
  });
  for (let from = 0; from < SESSIONS; from += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = from; i < Math.min(SESSIONS, from + BATCH); i++) {
        await tx.sessions.insert({
          id: `s${i}`, user: users[i % users.length]!, deviceId: i.toString(16).padStart(32, '0'), certSerial: `c${i}`,
          overlayAddress: `100.64.${i >> 8}.${i & 255}`, wgPublicKey: `key-${i}`, posture: {} as Posture, mfa: true,
          createdAtMs: now - HOUR + i, expiresAtMs: now + 6 * HOUR, entitlements: [{ ...entitlement(i % 4), expiresAt: null }], lastHeartbeatMs: now,
        });
        await tx.sessions.addGateway(`s${i}`, 'dc1', Buffer.alloc(32));
      }
    });
  }

  // A worker logged in for real (device key, certificate, pinned CA in the state directory).
  const adminDir = join(dir, 'data', 'admin');
  const files = credentialFiles(adminDir);
  const api = `127.0.0.1:${controller.apiPort}`;
  const channels = new ApiChannels([api], { caPem: readFileSync(files.ca, 'utf8'), certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') });
  const password = 'bench-worker quartz tram';
  const { totpSecret } = await call(channels.get(0).admin, 'AddUser', { name: 'alice', password, admin: false, groups: ['eng'] });
  channels.close();
  const state = new StateDir(join(dir, 'client'));
  await login(state, {
    controller: `127.0.0.1:${controller.authPort}`, caFingerprint, username: 'alice', password, totpCode: await totpCode(totpSecret, Date.now()), apiEndpoint: api,
  });
  // Its session as the agent records it: two gateways, a few resources; the interface is
  // not there, so status's `wg show` fails as fast as it would answer.
  const gateway = (name: string, n: number) => ({
    gateway: name, endpoint: `192.0.2.${n}:51820`, publicKey: Buffer.alloc(32, n).toString('base64'), allowedIps: [`10.20.${n}.0/24`],
    standbyIps: [], serviceAddresses: [`100.64.255.${n}`], dnsNames: [], connected: true, healthy: true, carries: [`10.20.${n}.0/24`],
  });
  state.saveSession({
    sessionId: 'bench-session', interface: `wkb${process.pid % 100_000}`, overlayAddress: '100.64.200.1', overlayIpv6: '', wgPublicKey: 'k', createdAtMs: now,
    expiresAtMs: now + HOUR, state: 'active', endReason: '', endedAtMs: 0, gateways: [gateway('dc1', 1), gateway('dc2', 2)],
    routes: ['10.20.1.0/24', '10.20.2.0/24'], entitlements: [0, 1, 2, 3].map((i) => ({ ...entitlement(i), expiresAtMs: now + HOUR })), controller: api, agentPid: process.pid,
    dnsForwarder: '', dnsSetup: { resolver: 'none', domains: [], note: 'the session has no resource names' },
  });

  const commands = {
    floor: ['-e', '0'],
    status: [join(BIN, 'wicket'), '--state-dir', state.dir, 'status'],
    sessionList: [join(BIN, 'wicketctl'), '--controller', api, '--credentials', adminDir, 'session', 'list', '--json'],
  };
  // Checked once, unmeasured (it also brings the files into the page cache).
  const listed = JSON.parse((await timed(commands.sessionList)).stdout) as unknown[];
  if (listed.length !== SESSIONS) throw new Error(`session list printed ${listed.length} sessions, expected ${SESSIONS}`);
  if (!(await timed(commands.status)).stdout.includes('bench-session')) throw new Error('wicket status does not show the session');

  const times = { floor: [] as number[], status: [] as number[], sessionList: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of ['floor', 'status', 'sessionList'] as const) times[k].push((await timed(commands[k])).ms);
  }
  await controller.stop(1000);

  const figure = (name: string, value: number, goal = 0) => ({
    name, value: Math.round(value * 10) / 10, unit: 'ms', goal, ratio: goal ? Math.round((goal / Math.max(value, 0.01)) * 100) / 100 : 1,
  });
  const both = (label: string, xs: number[], goal = 0) => [figure(`${label}, p50`, quantile(xs, 0.5), goal), figure(`${label}, p90`, quantile(xs, 0.9))];
  console.log(JSON.stringify({
    name: 'command start-up',
    figures: [
      ...both('wicket status (logged in, active session), whole process', times.status, GOAL_MS),
      ...both(`wicketctl session list --json (${SESSIONS} live sessions), whole process`, times.sessionList, GOAL_MS),
      ...both('node -e 0 (the floor)', times.floor),
    ],
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
