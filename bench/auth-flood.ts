// The controller under a hostile flood on its auth port: the controller runs in this
// process (real gRPC, TLS, SQLite, session module, a gateway acking Sync), a live session
// heartbeats over the API port, and a worker thread sends 50 hostile requests a second
// (Login and EnrollGateway with a huge-exponent CSR, garbage logins with a valid one).
// Reports the event-loop delay p99 of this process (perf_hooks.monitorEventLoopDelay: the
// controller's loop) and the heartbeat latency p50/p99, without and with the flood. Prints
// one JSON object.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import forge from 'node-forge';
import { apiClients, call } from '../common/grpc.js';
import { createCsr, generateKeyPair } from '../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import { sessionModule } from '../controller/sessions/module.js';
import { addUser, codeAt, enrollGateway, FakeGateway, login, startTestController } from '../test/integration/harness.js';
import type { FloodMessage, FloodOptions } from './hostile-flood.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 3 : 15;
const PER_SECOND = 50;
const POLICY = 'gateways: [dc1]\ngroups:\n  eng: [alice]\nresources:\n  wiki: { address: 10.20.0.10, ports: [tcp/443], gateway: dc1 }\ngrants:\n  - name: eng-wiki\n    to: [group:eng]\n    resources: [wiki]\n';
const POSTURE = { os: 'linux', osVersion: '6.1', clientVersion: '0.1.0', diskEncryption: 'true', firewall: 'true', hostname: 'bench' };
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
const round = (x: number) => Math.round(x * 100) / 100;

/** A well-formed CSR whose public exponent is a 32,000-bit number. */
function hugeExponentCsr(): string {
  const keys = generateKeyPair();
  const e = randomBytes(4000);
  e[0]! |= 0x80;
  e[e.length - 1]! |= 1;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey((forge.pki.publicKeyFromPem(keys.publicKeyPem) as forge.pki.rsa.PublicKey).n, new forge.jsbn.BigInteger(e.toString('hex'), 16));
  csr.setSubject([{ name: 'commonName', value: 'x' }]);
  csr.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

const t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000 })] });
const gateway = new FakeGateway(t, await enrollGateway(t, 'dc1'));
try {
  const secret = await addUser(t, 'alice', 'pw-alice quartz tram', { groups: ['eng'] });
  await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
  gateway.connect();
  const keys = generateKeyPair();
  const { creds } = await login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secret), keys });
  const api = apiClients(t.api, creds);
  const session = (await call(api.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: POSTURE, ackTimeoutMs: 3000 })).session!;

  /** Heartbeats every 50 ms while `running()`; the loop's delay is measured over the same span. */
  const phase = async (running: () => boolean) => {
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const latencies: number[] = [];
    while (running()) {
      const started = performance.now();
      await call(api.client, 'Heartbeat', { sessionId: session.id, posture: POSTURE });
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
    eld.disable();
    return { eldP99Ms: eld.percentile(99) / 1e6, hbP50Ms: quantile(latencies, 0.5), hbP99Ms: quantile(latencies, 0.99), heartbeats: latencies.length };
  };

  const idleUntil = Date.now() + SECONDS * 1000;
  const idle = await phase(() => Date.now() < idleUntil);

  const flood = new Worker(new URL('./hostile-flood.js', import.meta.url), {
    workerData: { auth: t.auth, caPem: t.caPem, csrPem: hugeExponentCsr(), validCsrPem: createCsr(keys, 'x'), count: SECONDS * PER_SECOND, perSecond: PER_SECOND } satisfies FloodOptions,
  });
  let flooding = true;
  const codes = new Promise<string[]>((resolve, reject) => {
    flood.on('message', (m: FloodMessage) => {
      if (m.kind === 'sent') flooding = false;
      else resolve(m.codes);
    });
    flood.on('error', reject);
  });
  const hostile = await phase(() => flooding);
  const replies = await codes;
  await flood.terminate();
  api.close();

  const figures: Figure[] = [
    { name: 'event_loop_delay_p99 idle', value: round(idle.eldP99Ms), unit: 'ms' },
    { name: 'heartbeat_latency_p50 idle', value: round(idle.hbP50Ms), unit: 'ms' },
    { name: 'heartbeat_latency_p99 idle', value: round(idle.hbP99Ms), unit: 'ms' },
    { name: `event_loop_delay_p99 under ${PER_SECOND} hostile req/s`, value: round(hostile.eldP99Ms), unit: 'ms' },
    { name: `heartbeat_latency_p50 under ${PER_SECOND} hostile req/s`, value: round(hostile.hbP50Ms), unit: 'ms' },
    { name: `heartbeat_latency_p99 under ${PER_SECOND} hostile req/s`, value: round(hostile.hbP99Ms), unit: 'ms' },
    { name: 'heartbeats answered during the flood', value: hostile.heartbeats, unit: 'calls' },
    { name: 'hostile requests refused INVALID_ARGUMENT', value: replies.filter((c) => c === 'INVALID_ARGUMENT').length, unit: `of ${replies.length}` },
    { name: 'hostile requests refused UNAUTHENTICATED (garbage logins)', value: replies.filter((c) => c === 'UNAUTHENTICATED').length, unit: `of ${replies.length}` },
  ];
  console.log(JSON.stringify({ name: 'auth-flood', figures }, null, 2));
} finally {
  gateway.close();
  await t.stop();
}
process.exit(0);
