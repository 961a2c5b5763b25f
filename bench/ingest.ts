// Benchmark: controller telemetry ingest through the real Gateway.Report stream (mutual TLS
// on loopback, a gateway certificate from the controller's CA) into the real SQLite file,
// sent by a gateway process of its own (bench/ingest-sender.ts) that encodes its batches
// before the clock starts. This process is the controller: it measures samples/s from the
// order to send until the sender reports the last ack, and its own CPU time per sample.
// Two controllers run here, one whose database holds FEW live sessions and one with MANY,
// each with its own sender; their runs alternate (A B A B …) and the growth of the cost per
// sample from FEW to MANY is taken pair by pair. A run's records name sessions across all of
// its controller's sessions. Every resent batch must be stored once. Prints JSON figures
// against the goals (≥ 300,000 samples/s; cost growth ≤ 1.2×).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createCsr, generateKeyPair } from '../common/pki.js';
import { initDataDir } from '../controller/app/datadir.js';
import { startController, type RunningController } from '../controller/app/start.js';
import { parseCsr } from '../controller/crypto/ca.js';
import type { Posture } from '../controller/policy/posture.js';
import type { SenderOrder, SenderReport } from './ingest-sender.js';

// --quick (the CI smoke run) sends a few small batches to small databases.
const QUICK = process.argv.includes('--quick');
const BATCHES = Number(process.env.BENCH_BATCHES ?? (QUICK ? 5 : 40));
const RECORDS = Number(process.env.BENCH_RECORDS ?? (QUICK ? 2_000 : 10_000));
const FEW = 1_000;
const MANY = Number(process.env.BENCH_SESSIONS ?? (QUICK ? 10_000 : 100_000));
const PAIRS = Number(process.env.BENCH_PAIRS ?? (QUICK ? 2 : 5));
const GOAL = 300_000;
const GROWTH_GOAL = 1.2;
/** Sessions inserted per transaction while the databases are filled. */
const FILL_CHUNK = 5_000;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const median = (xs: number[]) => quantile(xs, 0.5);

interface Bench {
  controller: RunningController;
  sender: ChildProcess;
  sessions: number;
  nextSeq: number;
  /** Flow records acked so far. */
  flowsSent: number;
  /** Resolves with the sender's next report. */
  next(): Promise<SenderReport>;
}

const silent = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));

/** Sends `order` and waits for the sender's answer of kind `expect`. */
async function ask<K extends SenderReport['kind']>(b: Bench, order: SenderOrder, expect: K): Promise<Extract<SenderReport, { kind: K }>> {
  const answered = b.next();
  b.sender.send(order);
  const r = await answered;
  if (r.kind === 'failed') throw new Error(`sender: ${r.message}`);
  if (r.kind !== expect) throw new Error(`sender answered ${r.kind}, expected ${expect}`);
  return r as Extract<SenderReport, { kind: K }>;
}

/** A controller whose database holds `sessions` live sessions served by gateway "bench", and a connected sender for it. */
async function setUp(dir: string, sessions: number): Promise<Bench> {
  const dataDir = join(dir, `data-${sessions}`);
  await initDataDir(dataDir);
  const controller = await startController({
    dataDir, listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: silent,
    // The controller's capacity is measured, so one gateway stands for many: its per-gateway
    // rate limit is lifted, and retention does not run in the middle of a run.
    telemetry: { limits: { maxBatchRecords: 200_000, recordsPerSecond: 1e9, burstRecords: 1e9 }, pruneIntervalMs: 3_600_000 },
    // The sessions have no client heartbeating; they stay live for the whole benchmark.
    sessions: { heartbeatTimeoutMs: 3_600_000 },
  });
  const { ctx } = controller;
  // A gateway identity issued by the controller's CA, as enrollment would.
  const keys = generateKeyPair();
  const now = Date.now();
  const issued = ctx.ca.issueClient(parseCsr(createCsr(keys, 'gateway:bench')), [{ kind: 'gateway', name: 'bench' }], now, 86_400_000);
  await ctx.store.certificates.record({ serial: issued.serial, kind: 'gateway', subject: 'bench', deviceId: '', issuedAtMs: now, notAfterMs: issued.notAfterMs });
  await ctx.store.gateways.enroll('bench', issued.serial, now, '', '');
  await ctx.store.users.add({ name: 'bench', passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: now }, []);
  for (let first = 0; first < sessions; first += FILL_CHUNK) {
    await ctx.store.transaction(async (tx) => {
      for (let i = first; i < Math.min(sessions, first + FILL_CHUNK); i++) {
        await tx.sessions.insert({
          id: `s${i}`, user: 'bench', deviceId: 'bench', certSerial: 'bench', overlayAddress: `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, wgPublicKey: `bench-${i}`,
          posture: {} as Posture, mfa: true, createdAtMs: now, expiresAtMs: now + 86_400_000, entitlements: [], lastHeartbeatMs: now,
        });
        await tx.sessions.addGateway(`s${i}`, 'bench', Buffer.alloc(0));
      }
    });
  }

  const sender = fork(new URL('./ingest-sender.js', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: ((r: SenderReport) => void)[] = [];
  sender.on('message', (r: SenderReport) => waiting.shift()?.(r));
  sender.on('exit', (code) => { for (const w of waiting.splice(0)) w({ kind: 'failed', message: `exited with ${code}` }); });
  const b: Bench = { controller, sender, sessions, nextSeq: 1, flowsSent: 0, next: () => new Promise((resolve) => waiting.push(resolve)) };
  await ask(b, { kind: 'init', address: `127.0.0.1:${controller.apiPort}`, caPem: ctx.ca.certPem, certPem: issued.certPem, keyPem: keys.privateKeyPem }, 'ready');
  return b;
}

/** One run of `batches` batches: samples/s and this process's CPU time per sample (µs). */
async function run(b: Bench, batches: number): Promise<{ rate: number; cpuUsPerSample: number }> {
  await ask(b, { kind: 'prepare', firstSeq: b.nextSeq, batches, records: RECORDS, sessions: b.sessions, now: Date.now() }, 'ready');
  b.nextSeq += batches;
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const { flows } = await ask(b, { kind: 'go' }, 'done');
  const seconds = (performance.now() - started) / 1000;
  // CPU time of this process (every thread) over the same window: on a shared machine the
  // wall-clock rate swings with other load, the CPU cost per sample much less.
  const cpu = process.cpuUsage(cpuStarted);
  b.flowsSent += flows;
  const samples = batches * RECORDS;
  return { rate: samples / seconds, cpuUsPerSample: (cpu.user + cpu.system) / samples };
}

const dir = mkdtempSync(join(tmpdir(), 'wicket-bench-ingest-'));
const benches: Bench[] = [];
try {
  const few = await setUp(dir, FEW);
  benches.push(few);
  const many = await setUp(dir, MANY);
  benches.push(many);
  // Warm-up (JIT, statement shapes, the connections' first streams), not counted.
  for (const b of benches) await run(b, 2);

  const fewRuns: Awaited<ReturnType<typeof run>>[] = [];
  const manyRuns: Awaited<ReturnType<typeof run>>[] = [];
  const growth: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = await run(few, BATCHES);
    const m = await run(many, BATCHES);
    fewRuns.push(a);
    manyRuns.push(m);
    // Cost per sample is the inverse of the rate.
    growth.push(a.rate / m.rate);
  }

  // A resend of batches already stored is acked and stores nothing.
  const store = many.controller.ctx.store;
  const rowsBefore = await store.telemetry.counts();
  await ask(many, { kind: 'resend', count: Math.min(5, BATCHES) }, 'resent');
  const rowsAfter = await store.telemetry.counts();
  if (rowsAfter.flows !== rowsBefore.flows || rowsAfter.denied !== rowsBefore.denied) throw new Error('a resent batch was stored twice');
  if (rowsAfter.flows !== many.flowsSent) throw new Error(`${rowsAfter.flows} flow rows stored, ${many.flowsSent} sent`);

  const round = (v: number) => Math.round(v * 100) / 100;
  const figure = (name: string, value: number, unit: string) => ({ name, value: round(value), unit, goal: 0, ratio: 1 });
  const rate = median(manyRuns.map((r) => r.rate));
  const growthMedian = median(growth);
  console.log(JSON.stringify({
    name: 'ingest',
    figures: [
      { name: 'samples_per_second', value: round(rate), unit: 'samples/s', goal: GOAL, ratio: round(rate / GOAL) },
      figure('samples_per_second_min', Math.min(...manyRuns.map((r) => r.rate)), 'samples/s'),
      figure('samples_per_second_max', Math.max(...manyRuns.map((r) => r.rate)), 'samples/s'),
      figure('samples_per_second_few_sessions', median(fewRuns.map((r) => r.rate)), 'samples/s'),
      { name: 'cost_growth_few_to_many_sessions', value: round(growthMedian), unit: 'x', goal: GROWTH_GOAL, ratio: round(GROWTH_GOAL / growthMedian) },
      figure('cost_growth_min', Math.min(...growth), 'x'),
      figure('cost_growth_max', Math.max(...growth), 'x'),
      figure('sessions_few', FEW, 'sessions'),
      figure('sessions_many', MANY, 'sessions'),
      figure('runs_per_size', PAIRS, 'runs'),
      figure('samples_per_run', BATCHES * RECORDS, 'samples'),
      figure('batch_size', RECORDS, 'records'),
      figure('controller_cpu_per_sample', median(manyRuns.map((r) => r.cpuUsPerSample)), 'us'),
      figure('controller_cpu_per_sample_few_sessions', median(fewRuns.map((r) => r.cpuUsPerSample)), 'us'),
      figure('flow_rows_stored', rowsAfter.flows, 'rows'),
    ],
  }));
} finally {
  for (const b of benches) {
    b.sender.kill();
    await b.controller.stop(1000);
  }
  rmSync(dir, { recursive: true, force: true });
}
