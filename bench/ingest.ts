// Benchmark: controller telemetry ingest through the real Gateway.Report stream (mutual TLS
// on loopback, a gateway certificate from the controller's CA) into the real SQLite file.
// Sends BATCHES batches of RECORDS records (flows, plus peer stats, counters and denied
// attempts) and waits for every ack; prints JSON figures against the goal (>= 100,000
// samples/s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { apiClients } from '../common/grpc.js';
import { createCsr, generateKeyPair } from '../common/pki.js';
import { initDataDir } from '../controller/app/datadir.js';
import { startController } from '../controller/app/start.js';
import { parseCsr } from '../controller/crypto/ca.js';
import { wicketV1 } from '../proto/load.js';
import type { TelemetryBatch } from '../proto/generated/wicket/v1/TelemetryBatch.js';
import type { ReportAck__Output } from '../proto/generated/wicket/v1/ReportAck.js';
import type { Posture } from '../controller/policy/posture.js';

// --quick (the CI smoke run) sends a few small batches.
const QUICK = process.argv.includes('--quick');
const BATCHES = Number(process.env.BENCH_BATCHES ?? (QUICK ? 5 : 40));
const RECORDS = Number(process.env.BENCH_RECORDS ?? (QUICK ? 2_000 : 10_000));
const GOAL = 100_000;
const SESSIONS = 5000;

const dir = mkdtempSync(join(tmpdir(), 'wicket-bench-ingest-'));
try {
  await initDataDir(join(dir, 'data'));
  const silent = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
  const controller = await startController({ dataDir: join(dir, 'data'), listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: silent });
  const { ctx } = controller;

  // A gateway identity issued by the controller's CA, as enrollment would.
  const keys = generateKeyPair();
  const now = Date.now();
  const issued = ctx.ca.issueClient(parseCsr(createCsr(keys, 'gateway:bench')), [{ kind: 'gateway', name: 'bench' }], now, 86_400_000);
  await ctx.store.certificates.record({ serial: issued.serial, kind: 'gateway', subject: 'bench', deviceId: '', issuedAtMs: now, notAfterMs: issued.notAfterMs });
  await ctx.store.gateways.enroll('bench', issued.serial, now, '', '');
  // The sessions the batches name, served by this gateway (records of others are dropped).
  await ctx.store.users.add({ name: 'bench', passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: now }, []);
  await ctx.store.transaction(async (tx) => {
    for (let i = 0; i < SESSIONS; i++) {
      await tx.sessions.insert({
        id: `s${i}`, user: 'bench', deviceId: 'bench', certSerial: 'bench', overlayAddress: `100.64.${i >> 8}.${i & 255}`, wgPublicKey: `bench-${i}`,
        posture: {} as Posture, mfa: true, createdAtMs: now, expiresAtMs: now + 86_400_000, entitlements: [], lastHeartbeatMs: now,
      });
      await tx.sessions.addGateway(`s${i}`, 'bench', Buffer.alloc(0));
    }
  });
  const clients = apiClients(`127.0.0.1:${controller.apiPort}`, { caPem: ctx.ca.certPem, certPem: issued.certPem, keyPem: keys.privateKeyPem });

  const batch = (seq: number): TelemetryBatch => {
    const flows = [];
    const peers = [];
    const counters = [];
    const denied = [];
    for (let i = 0; i < RECORDS; i++) {
      const session = `s${(seq * RECORDS + i) % SESSIONS}`;
      const kind = i % 10;
      if (kind === 0) peers.push({ sessionId: session, endpoint: `198.51.100.${i % 250}:51820`, lastHandshakeMs: now, rxBytes: i * 10, txBytes: i * 20 });
      else if (kind === 1) counters.push({ sessionId: session, destination: '10.0.1.10', protocol: 'tcp', portFrom: 80, portTo: 80, packets: seq * 10 + i, bytes: seq * 1000 + i });
      else if (kind === 2) denied.push({ sessionId: session, source: '100.64.0.2', destination: '10.0.2.10', protocol: 'tcp', port: 1000 + (i % 1000), count: seq, firstSeenMs: now, lastSeenMs: now + seq });
      else flows.push({ sessionId: session, source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port: 80, startedAtMs: now, endedAtMs: now + i, bytesOut: 500 + i, bytesIn: 9000 + i });
    }
    return { seq, collectedAtMs: Date.now(), flows, peers, counters, denied, droppedRecords: 0 };
  };
  // Built and encoded before timing: the benchmark measures the controller, not the
  // generator or the gateway's protobuf encoding (which runs in another process in real use
  // but would share this one thread here). The stream sends the encoded bytes as they are.
  const report = wicketV1().Gateway.service.Report;
  const batches = Array.from({ length: BATCHES }, (_, i) => report.requestSerialize(batch(i + 1)));
  const reportStream = () => clients.gateway.makeBidiStreamRequest<Buffer, ReportAck__Output>(report.path, (b) => b, report.responseDeserialize);

  const stream = reportStream();
  const acked = new Promise<void>((resolve, reject) => {
    let n = 0;
    stream.on('data', (a: ReportAck__Output) => {
      if (a.seq !== ++n) reject(new Error(`ack ${a.seq} out of order (expected ${n})`));
      if (n === BATCHES) resolve();
    });
    stream.on('error', reject);
  });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (const b of batches) stream.write(b);
  await acked;
  const seconds = (performance.now() - started) / 1000;
  // CPU time of this process (every thread) over the same window: on a shared machine the
  // wall-clock rate swings with other load, the CPU cost per sample much less.
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  stream.end();

  // A resend of every batch is acked and stores nothing.
  const rowsBefore = await ctx.store.telemetry.counts();
  const resend = reportStream();
  const resent = new Promise<void>((resolve, reject) => {
    let n = 0;
    resend.on('data', () => { if (++n === 5) resolve(); });
    resend.on('error', reject);
  });
  for (const b of batches.slice(0, 5)) resend.write(b);
  await resent;
  resend.end();
  const rowsAfter = await ctx.store.telemetry.counts();
  if (rowsAfter.flows !== rowsBefore.flows || rowsAfter.denied !== rowsBefore.denied) throw new Error('a resent batch was stored twice');

  clients.close();
  await controller.stop(1000);

  const samples = BATCHES * RECORDS;
  const rate = samples / seconds;
  const figure = (name: string, value: number, unit: string, goal?: number) => ({
    name, value: Math.round(value * 100) / 100, unit, ...(goal === undefined ? {} : { goal, ratio: Math.round((value / goal) * 100) / 100 }),
  });
  console.log(JSON.stringify({
    name: 'ingest',
    figures: [
      figure('samples_per_second', rate, 'samples/s', GOAL),
      figure('samples', samples, 'samples'),
      figure('batch_size', RECORDS, 'records'),
      figure('elapsed', seconds * 1000, 'ms'),
      figure('cpu_time', cpuSeconds * 1000, 'ms'),
      figure('samples_per_cpu_second', samples / cpuSeconds, 'samples/s'),
      figure('flow_rows_stored', rowsAfter.flows, 'rows'),
    ],
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
