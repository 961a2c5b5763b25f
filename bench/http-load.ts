// Run inside a client's namespace by bench/http-proxy.ts: keeps `concurrency` keep-alive
// connections busy with GET requests to one URL (Host header given) for `durationMs`, and
// prints the request rate and latency quantiles as one JSON line.
import { Pool } from 'undici';

const [url, host, concurrencyArg, durationArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const durationMs = Number(durationArg);
const target = new URL(url!);
const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
const latenciesUs: number[] = [];
let failures = 0;
const deadline = performance.now() + durationMs;

async function worker(): Promise<void> {
  while (performance.now() < deadline) {
    const t0 = performance.now();
    try {
      const res = await pool.request({ path: `${target.pathname}${target.search}`, method: 'GET', headers: { host: host! } });
      await res.body.dump();
      if (res.statusCode !== 200) failures++;
      else latenciesUs.push((performance.now() - t0) * 1000);
    } catch {
      failures++;
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsedS = (performance.now() - started) / 1000;
await pool.close();
latenciesUs.sort((a, b) => a - b);
const q = (p: number) => latenciesUs[Math.min(latenciesUs.length - 1, Math.floor(p * latenciesUs.length))] ?? 0;
process.stdout.write(`${JSON.stringify({ count: latenciesUs.length, failures, rps: latenciesUs.length / elapsedS, p50Us: q(0.5), p99Us: q(0.99) })}\n`);
