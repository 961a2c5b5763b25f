// The proxy's own cost on loopback, no tunnel and no namespaces: requests per second and
// latency of a local upstream reached directly and through the proxy (the same upstream,
// keep-alive connections, interleaved pairs), from a load process of its own
// (bench/http-load.ts). Separates what the proxy adds from what the tunnel and the machine do.
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportPKCS8, generateKeyPair } from 'jose';
import { createLogger } from '../common/log.js';
import { loadProxyConfig } from '../gateway/proxy/config.js';
import { IdentityProxy } from '../gateway/proxy/proxy.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }
interface Load { count: number; failures: number; rps: number; p50Us: number; p99Us: number }

const DIST = fileURLToPath(new URL('./', import.meta.url));
const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runProxyLoopbackBench(opts: { pairs: number; seconds: number; concurrency: number }): Promise<{ name: string; figures: Figure[] }> {
  const body = JSON.stringify({ ok: true, pad: 'x'.repeat(512) });
  const upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body)).listen(0, '127.0.0.1');
  await new Promise((r) => upstream.once('listening', r));
  const upstreamPort = (upstream.address() as { port: number }).port;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const proxy = new IdentityProxy({ log: createLogger('bench', { write: () => true } as unknown as NodeJS.WritableStream), onRecord: () => undefined });
  proxy.setConfig(await loadProxyConfig({
    serviceAddress: '100.127.255.254', serviceAddressIpv6: '', issuer: 'https://controller.bench', controllerJwks: '', signInUrl: '',
    httpResources: [{ name: 'wiki', upstream: `http://127.0.0.1:${upstreamPort}`, hostname: 'wiki.corp.example', public: false }],
    signingKey: { kid: 'bench', privateKeyPem: await exportPKCS8(privateKey) },
  }, undefined));
  proxy.replaceSessions([{ sessionId: 's1', overlayAddress: '127.0.0.1', user: 'alice', groups: ['eng'], deviceId: 'd1',
    grants: new Map([['wiki', [{ grant: 'g', methods: ['GET'], paths: ['/docs/**'], expiresAtMs: Date.now() + 3_600_000 }]]]) }]);
  const { port } = await proxy.listen('127.0.0.1', 0);
  const load = async (p: number): Promise<Load> => JSON.parse((await run(process.execPath,
    [`${DIST}http-load.js`, `http://127.0.0.1:${p}/docs/a`, 'wiki.corp.example', String(opts.concurrency), String(opts.seconds * 1000)])).stdout) as Load;
  const direct: Load[] = [];
  const proxied: Load[] = [];
  try {
    for (let i = 0; i < opts.pairs; i++) {
      direct.push(await load(upstreamPort));
      proxied.push(await load(port));
    }
  } finally {
    await proxy.close();
    upstream.close();
  }
  const ratio = median(proxied.map((p, i) => p.rps / direct[i]!.rps));
  const added = median(proxied.map((p, i) => (p.p50Us - direct[i]!.p50Us) / 1000));
  const c = opts.concurrency;
  return {
    name: 'http proxy on loopback',
    figures: [
      { name: `loopback direct, requests/s (${c} connections)`, value: Math.round(median(direct.map((l) => l.rps))), unit: 'req/s' },
      { name: `loopback through the proxy, requests/s (${c} connections)`, value: Math.round(median(proxied.map((l) => l.rps))), unit: 'req/s' },
      { name: 'loopback proxy / direct request rate, median of pairs', value: Math.round(ratio * 1000) / 1000, unit: 'x', goal: 0.5, ratio: ratio / 0.5 },
      { name: 'loopback latency added by the proxy at p50, median of pairs', value: Math.round(added * 1000) / 1000, unit: 'ms', goal: 1, ratio: 1 / Math.max(added, 0.001) },
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const result = await runProxyLoopbackBench(quick ? { pairs: 2, seconds: 1, concurrency: 8 } : { pairs: 5, seconds: 3, concurrency: 8 });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
