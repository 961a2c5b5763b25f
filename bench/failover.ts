// Redundant gateways on the real system in network namespaces (root): one resource behind
// dc1a (primary) and dc1b (standby); each run cuts dc1a's WAN link and measures the time from
// the cut to the first new connection through dc1b (probes every 100 ms, so the figure is
// within one probe interval), then restores the link and measures the time until new
// connections go through dc1a again. Prints one JSON object; `ratio` >= 1 meets the goal.
import { pathToFileURL } from 'node:url';
import { ADDR, firstConnection, probeTcp } from '../scripts/topology/index.js';
import { acceptedVia, REDUNDANT_PORT, setGatewayWan, startRedundantSystem } from '../scripts/topology/redundancy.js';
import { eventually, WicketSystem } from '../scripts/topology/system.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }

/** The goal: new connections work through the standby within 5 s of the cut. */
const FAILOVER_GOAL_MS = 5000;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function runFailoverBench(opts: { runs: number }): Promise<{ name: string; figures: Figure[] }> {
  const sys = await WicketSystem.create('wicket-bench-failover-', { secondGateway: true });
  try {
    const echo = await startRedundantSystem(sys, ['--heartbeat-interval', '1s', '--heartbeat-timeout', '1h']);
    await sys.login('c1', 'alice');
    await sys.up('c1', 'alice', 'a');
    /** Resolves once a new connection came through `gateway`. */
    const through = async (gateway: 'dc1a' | 'dc1b') => {
      const since = echo.events.length;
      await eventually(async () => {
        await probeTcp(sys.topo, 'c1', ADDR.r1, REDUNDANT_PORT, 1000);
        return acceptedVia(echo, since).at(-1) === gateway;
      }, 180_000, `a new connection through ${gateway}`);
    };
    const failovers: number[] = [];
    const failbacks: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      await through('dc1a');
      const since = echo.events.length;
      const cut = Date.now();
      await setGatewayWan(sys, 'dc1a', false);
      const first = await firstConnection(sys.topo, 'c1', ADDR.r1, REDUNDANT_PORT, { timeoutMs: 120_000 });
      if (!acceptedVia(echo, since).includes('dc1b')) throw new Error(`run ${i}: the first connection after the cut did not come through dc1b: ${JSON.stringify(acceptedVia(echo, since))}`);
      failovers.push(first.connected - cut);
      const restored = Date.now();
      await setGatewayWan(sys, 'dc1a', true);
      await through('dc1a');
      failbacks.push(Date.now() - restored);
    }
    const p95 = quantile(failovers, 0.95);
    const n = opts.runs;
    return {
      name: 'gateway failover',
      figures: [
        { name: `link cut -> new connection through the standby, p50 (${n} runs)`, value: quantile(failovers, 0.5), unit: 'ms' },
        { name: `link cut -> new connection through the standby, p95 (${n} runs)`, value: p95, unit: 'ms', goal: FAILOVER_GOAL_MS, ratio: FAILOVER_GOAL_MS / Math.max(p95, 1) },
        { name: `link restored -> new connections through the primary, p50 (${n} runs)`, value: quantile(failbacks, 0.5), unit: 'ms' },
        { name: `link restored -> new connections through the primary, p95 (${n} runs)`, value: quantile(failbacks, 0.95), unit: 'ms' },
      ],
    };
  } finally {
    await Promise.all([...sys.gateways.values(), sys.controller].filter((s) => s !== undefined).map((s) => Promise.race([s.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    sys.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const result = await runFailoverBench({ runs: quick ? 2 : 7 });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
