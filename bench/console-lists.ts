// Benchmark: the console's Sessions and Flows pages and the Admin list calls behind them, on
// an in-process controller with a real SQLite file holding 10,000 live sessions and 100,000
// flow records (stored through the store in batched transactions). Times, over real gRPC with
// mutual TLS (the bootstrap admin credential), a page of one user's sessions deep in the list
// and a page of flows with its one-hour histogram in one-minute buckets; then the same pages
// as the console serves them over HTTPS to a signed-in admin (the page's Admin API calls as
// that admin, plus rendering). Prints p50/p99 of each round trip (server time plus loopback)
// against the goal (p99 <= 300 ms).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { apiClients, call } from '../common/grpc.js';
import { credentialFiles, initDataDir } from '../controller/app/datadir.js';
import { startController } from '../controller/app/start.js';
import { totpCode } from '../controller/auth/totp.js';
import type { Posture } from '../controller/policy/posture.js';
import type { FlowRecord__Output as FlowRecord } from '../proto/generated/wicket/v1/FlowRecord.js';
import type { DeniedAttempt__Output as DeniedAttempt } from '../proto/generated/wicket/v1/DeniedAttempt.js';

// --quick (the CI smoke run): a tenth of the rows and fewer samples.
const QUICK = process.argv.includes('--quick');
const SESSIONS = QUICK ? 1_000 : 10_000;
const FLOWS = QUICK ? 10_000 : 100_000;
/** Of the sessions, this share is the filtered user's: the page asked for lies beyond OFFSET. */
const USER_SESSIONS = Math.round(SESSIONS * 0.6);
const OFFSET = SESSIONS / 2;
const PAGE = 50;
const SAMPLES = QUICK ? 30 : 200;
const GOAL_MS = 300;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Rows per store transaction while filling (a gateway batch's size). */
const BATCH = 10_000;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const deviceOf = (i: number) => i.toString(16).padStart(32, '0');

/** A signed-in browser stand-in: one kept-alive TLS connection, the console's cookies. */
async function consoleClient(port: number, caPem: string) {
  const agent = new Agent({ ca: caPem, keepAlive: true, maxSockets: 1 });
  const origin = `https://127.0.0.1:${port}`;
  const cookies = new Map<string, string>();
  const send = (path: string, form?: Record<string, string>) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = request(`${origin}${path}`, {
      agent, method: form ? 'POST' : 'GET',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded', origin } : {}) },
    }, (res) => {
      for (const c of res.headers['set-cookie'] ?? []) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
  return {
    async signIn(username: string, password: string, totp: string): Promise<void> {
      const form = await send('/sign-in');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
      if (!csrf) throw new Error('no CSRF token on the sign-in page');
      const res = await send('/sign-in', { _csrf: csrf, username, password, totp });
      if (res.status !== 303 || !cookies.has('__Host-wicket-session')) throw new Error(`console sign-in failed: ${res.status} ${res.body.slice(0, 200)}`);
    },
    async get(path: string): Promise<string> {
      const res = await send(path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 200)}`);
      return res.body;
    },
    close: () => agent.destroy(),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'wicket-bench-console-'));
try {
  await initDataDir(join(dir, 'data'));
  const silent = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
  // The filled sessions send no heartbeats: keep them live for the run.
  const controller = await startController({
    dataDir: join(dir, 'data'), listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: silent, sessions: { heartbeatTimeoutMs: 6 * HOUR },
    console: { listen: '127.0.0.1:0' },
  });
  const { store } = controller.ctx;
  const now = Date.now();

  // Sessions: USER_SESSIONS of alice, the rest spread over 40 other users; one device each;
  // every session on gateway dc1, every other one on dc2 too; created over the last day.
  const users = ['alice', ...Array.from({ length: 40 }, (_, i) => `user${i}`)];
  for (const name of users) await store.users.add({ name, passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: now }, []);
  const userOf = (i: number) => (i < USER_SESSIONS ? 'alice' : users[1 + (i % 40)]!);
  const fillStarted = performance.now();
  for (let from = 0; from < SESSIONS; from += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = from; i < Math.min(SESSIONS, from + BATCH); i++) {
        await tx.sessions.insert({
          id: `s${i}`, user: userOf(i), deviceId: deviceOf(i), certSerial: `c${i}`, overlayAddress: `100.64.${i >> 8}.${i & 255}`, wgPublicKey: `key-${i}`,
          posture: {} as Posture, mfa: true, createdAtMs: now - 86_400_000 + i * Math.floor(86_400_000 / SESSIONS), expiresAtMs: now + 6 * HOUR,
          entitlements: [], lastHeartbeatMs: now,
        });
        await tx.sessions.addGateway(`s${i}`, 'dc1', Buffer.alloc(32));
        if (i % 2 === 0) await tx.sessions.addGateway(`s${i}`, 'dc2', Buffer.alloc(32));
      }
    });
  }
  // Flows ended over the last hour, round-robin over the sessions; a denied attempt every
  // twentieth record. Each batch is one store transaction, as a gateway's report is.
  for (let seq = 1, from = 0; from < FLOWS; seq++, from += BATCH) {
    const flows: FlowRecord[] = [];
    const denied: DeniedAttempt[] = [];
    for (let i = from; i < Math.min(FLOWS, from + BATCH); i++) {
      const endedAtMs = now - HOUR + Math.floor((i * HOUR) / FLOWS);
      const sessionId = `s${i % SESSIONS}`;
      flows.push({ sessionId, source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port: 443, startedAtMs: endedAtMs - 5000, endedAtMs, bytesOut: 500, bytesIn: 9000 });
      if (i % 20 === 0) denied.push({ sessionId, source: '100.64.0.2', destination: '10.0.2.10', protocol: 'tcp', port: 1 + (i % 60_000), count: 3, firstSeenMs: endedAtMs - 1000, lastSeenMs: endedAtMs });
    }
    const batch = { seq, collectedAtMs: now, flows, denied, peers: [], counters: [], httpRequests: [], droppedRecords: 0 };
    await store.transaction((tx) => tx.telemetry.ingest('dc1', batch, now));
  }
  const fillMs = performance.now() - fillStarted;
  const stored = (await store.telemetry.counts()).flows;
  if (stored !== FLOWS) throw new Error(`stored ${stored} flows, expected ${FLOWS}`);

  const files = credentialFiles(join(dir, 'data', 'admin'));
  const { admin } = apiClients(`127.0.0.1:${controller.apiPort}`,
    { caPem: readFileSync(files.ca, 'utf8'), certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') });

  /** Round trips of `fn` in ms, after a few unmeasured calls (statements prepared, connection up); `check` validates an answer. */
  async function measure<T>(fn: () => Promise<T>, check: (r: T) => void): Promise<number[]> {
    for (let i = 0; i < 5; i++) check(await fn());
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const started = performance.now();
      const r = await fn();
      times.push(performance.now() - started);
      check(r);
    }
    return times;
  }
  const expect = (ok: boolean, what: string) => { if (!ok) throw new Error(what); };
  // The buckets run from since to the controller's now, a moment after this process read the clock.
  const oneHour = (buckets: number) => buckets === 60 || buckets === 61;

  const sessionsByUser = await measure(() => call(admin, 'ListSessions', { user: 'alice', limit: PAGE, offset: OFFSET }), (r) => {
    expect(r.total === USER_SESSIONS && r.sessions.length === PAGE && r.sessions.every((s) => s.username === 'alice'), 'ListSessions by user: wrong page');
  });
  const sessionsByGateway = await measure(() => call(admin, 'ListSessions', { gateway: 'dc2', limit: PAGE, offset: OFFSET / 2 }), (r) => {
    expect(r.total === SESSIONS / 2 && r.sessions.length === PAGE, 'ListSessions by gateway: wrong page');
  });
  const flowsWithHistogram = await measure(() => call(admin, 'ListFlows', { limit: PAGE, sinceMs: Date.now() - HOUR, bucketMs: MINUTE }), (r) => {
    expect(r.flows.length === PAGE && r.denied.length === PAGE && oneHour(r.histogram.length), 'ListFlows: wrong page or histogram');
  });
  const flowsByUser = await measure(() => call(admin, 'ListFlows', { user: 'user7', limit: PAGE, sinceMs: Date.now() - HOUR, bucketMs: MINUTE }), (r) => {
    expect(r.flows.length === PAGE && r.flows.every((f) => f.username === 'user7') && oneHour(r.histogram.length), 'ListFlows by user: wrong page or histogram');
  });

  // The same pages through the console, as a signed-in admin.
  const page = await consoleClient(controller.consolePort!, readFileSync(files.ca, 'utf8'));
  const { totpSecret } = await call(admin, 'AddUser', { name: 'bench-admin', password: 'bench-admin quartz tram', admin: true, groups: [] });
  await page.signIn('bench-admin', 'bench-admin quartz tram', await totpCode(totpSecret, Date.now()));
  const sessionsPage = await measure(() => page.get(`/sessions?user=alice&page=${OFFSET / PAGE + 1}`), (body) => {
    expect(body.includes(`${USER_SESSIONS} live sessions, page ${OFFSET / PAGE + 1} of`) && body.includes('alice'), 'sessions page: wrong page');
  });
  const flowsPage = await measure(() => page.get('/flows?user=user7'), (body) => {
    expect(body.includes('data-chart="flows-chart"') && body.includes('user7'), 'flows page: no chart or no rows');
  });
  page.close();

  admin.close();
  await controller.stop(1000);

  const size = `${SESSIONS} live sessions, ${FLOWS} flows`;
  const figure = (name: string, value: number, unit: string, goal?: number) => ({
    name, value: Math.round(value * 100) / 100, unit, ...(goal === undefined ? {} : { goal, ratio: Math.round((goal / Math.max(value, 0.01)) * 100) / 100 }),
  });
  const timed = (label: string, times: number[]) => [
    figure(`${label}, p50 (${size})`, quantile(times, 0.5), 'ms'),
    figure(`${label}, p99 (${size})`, quantile(times, 0.99), 'ms', GOAL_MS),
  ];
  console.log(JSON.stringify({
    name: 'console lists',
    figures: [
      ...timed(`ListSessions user, limit ${PAGE} offset ${OFFSET}`, sessionsByUser),
      ...timed(`ListSessions gateway, limit ${PAGE} offset ${OFFSET / 2}`, sessionsByGateway),
      ...timed(`ListFlows limit ${PAGE} + 1 h histogram by minute`, flowsWithHistogram),
      ...timed(`ListFlows user, limit ${PAGE} + 1 h histogram by minute`, flowsByUser),
      ...timed(`console Sessions page, user, page ${OFFSET / PAGE + 1} (${PAGE} a page)`, sessionsPage),
      ...timed('console Flows page, user, 1 h with its chart', flowsPage),
      figure('fill time (sessions and flows through the store)', fillMs, 'ms'),
    ],
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
