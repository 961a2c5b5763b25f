// `npm run bench`: runs every benchmark (each is its own process, printing one JSON object),
// shows a table of the figures with their goals and ratios as they arrive, and with
// `--json FILE` writes them all. `--quick` runs small sizes (the CI smoke test checks only
// that every figure is produced). Data-plane and session benchmarks need root and the
// system packages (scripts/install-deps.sh).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { topologyProblems } from '../scripts/topology/prerequisites.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }
export interface BenchResult { name: string; figures: Figure[]; ms: number }

const DIST = fileURLToPath(new URL('./', import.meta.url));
const quick = process.argv.includes('--quick');
const jsonIndex = process.argv.indexOf('--json');
const jsonFile = jsonIndex > 0 ? process.argv[jsonIndex + 1] : undefined;

/**
 * What runs, in order. The data plane runs at several session counts; `growth` names the two
 * whose per-operation costs are compared. The largest count is 60,000, not 100,000:
 * wireguard-go takes at most 65,536 peers on an interface, one per session (docs/gateway.md).
 */
interface Step { name: string; script: string; args: string[] }
const dataplane = (n: number): Step => ({ name: `dataplane ${n.toLocaleString('en-US')}`, script: 'dataplane.js', args: quick ? [String(n), '--quick'] : [String(n)] });
const GROWTH = quick ? [100, 1_000] : [1_000, 60_000];
const PLAN: Step[] = quick
  ? [
    { name: 'policy', script: 'policy.js', args: ['--quick'] },
    { name: 'ingest', script: 'ingest.js', args: ['--quick'] },
    { name: 'console lists', script: 'console-lists.js', args: ['--quick'] },
    { name: 'command start-up', script: 'cli-startup.js', args: ['--quick'] },
    dataplane(1), dataplane(100), dataplane(1_000),
    { name: 'sessions', script: 'sessions.js', args: ['--quick'] },
    { name: 'auth port under a hostile flood', script: 'auth-flood.js', args: ['--quick'] },
    { name: 'http proxy on loopback', script: 'proxy-loopback.js', args: ['--quick'] },
    { name: 'http proxy', script: 'http-proxy.js', args: ['--quick'] },
    { name: 'gateway failover', script: 'failover.js', args: ['--quick'] },
    { name: 'dns record change', script: 'dns-change.js', args: ['--quick'] },
  ]
  : [
    { name: 'policy', script: 'policy.js', args: [] },
    { name: 'ingest', script: 'ingest.js', args: [] },
    { name: 'console lists', script: 'console-lists.js', args: [] },
    { name: 'command start-up', script: 'cli-startup.js', args: [] },
    dataplane(1), dataplane(1_000), dataplane(10_000), dataplane(60_000),
    { name: 'sessions', script: 'sessions.js', args: [] },
    { name: 'sessions on PostgreSQL, one and two controllers', script: 'sessions.js', args: ['--postgres', '--controllers', '2'] },
    { name: 'auth port under a hostile flood', script: 'auth-flood.js', args: [] },
    { name: 'http proxy on loopback', script: 'proxy-loopback.js', args: [] },
    { name: 'http proxy', script: 'http-proxy.js', args: [] },
    { name: 'gateway failover', script: 'failover.js', args: [] },
    { name: 'dns record change', script: 'dns-change.js', args: [] },
  ];

function runOne(script: string, args: string[]): Promise<{ name: string; figures: Figure[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${DIST}${script}`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with code ${code}`));
      // The result is the last JSON object printed (pretty-printed or on one line).
      const start = out.lastIndexOf('\n{') >= 0 ? out.lastIndexOf('\n{') + 1 : out.indexOf('{');
      try {
        resolve(JSON.parse(out.slice(start)) as { name: string; figures: Figure[] });
      } catch {
        reject(new Error(`${script} printed no JSON result:\n${out.slice(-500)}`));
      }
    });
  });
}

function row(f: Figure): string {
  const v = Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(2);
  const goal = f.goal ? String(f.goal) : '';
  const ratio = f.ratio !== undefined && f.goal ? `${f.ratio.toFixed(2)}${f.ratio >= 1 ? '  ok' : '  MISSED'}` : '';
  return `  ${f.name.padEnd(58)} ${`${v} ${f.unit}`.padStart(22)} ${goal.padStart(8)} ${ratio}`;
}

/** The per-operation data-plane figures whose growth with the session count is judged. */
const GROWING = [/^snapshot_\d+_sessions_apply$/, /^delta_apply_p(50|99)_with_\d+$/, /^throughput_through_gateway_\d+_sessions$/];

/**
 * How each data-plane cost grows from `n` sessions to `m`: the figure at `m` over the one at
 * `n` (a snapshot's time divided by its session count first, throughput turned over so that
 * a slower path reads as a larger cost). Goal 1.2 (issue 21).
 */
function growthFigures(small: BenchResult | undefined, large: BenchResult | undefined, n: number, m: number): Figure[] {
  if (!small || !large) return [];
  const out: Figure[] = [];
  for (const f of large.figures) {
    if (!GROWING.some((re) => re.test(f.name))) continue;
    const name = f.name.replace(String(m), String(n));
    const g = small.figures.find((x) => x.name === name);
    if (!g || g.value === 0 || f.value === 0) continue;
    const perSession = f.name.startsWith('snapshot_');
    const ratio = perSession ? (f.value / m) / (g.value / n) : f.value / g.value;
    const cost = Math.round((f.unit.includes('/s') ? 1 / ratio : ratio) * 1000) / 1000;
    out.push({ name: `${f.name.replace(String(m), `${n}_to_${m}`)}${perSession ? '_per_session' : ''}_cost_growth`, value: cost, unit: 'x', goal: 1.2, ratio: Math.round((1.2 / cost) * 1000) / 1000 });
  }
  return out;
}

const results: BenchResult[] = [];
let failed = 0;
const problems = await topologyProblems();
if (problems.length) {
  process.stderr.write(`The benchmarks run on network namespaces, wireguard-go, wg and nft, and cannot run here:\n${problems.map((m) => `  - ${m}`).join('\n')}\n(bash scripts/install-deps.sh installs the packages; run as root)\n`);
  process.exit(1);
}
process.stdout.write(`Wicket benchmarks${quick ? ' (quick)' : ''}: figure, value, goal, ratio (>= 1 meets the goal)\n`);
for (const step of PLAN) {
  process.stdout.write(`\n▶ ${step.name} ...\n`);
  const started = Date.now();
  try {
    const r = await runOne(step.script, step.args);
    const ms = Date.now() - started;
    results.push({ ...r, name: step.name, ms });
    for (const f of r.figures) process.stdout.write(`${row(f)}\n`);
    process.stdout.write(`  (${(ms / 1000).toFixed(1)} s)\n`);
  } catch (err) {
    failed += 1;
    process.stdout.write(`  FAILED: ${(err as Error).message}\n`);
  }
}
const [n, m] = GROWTH as [number, number];
const growth = growthFigures(results.find((r) => r.name === dataplane(n).name), results.find((r) => r.name === dataplane(m).name), n, m);
if (growth.length) {
  const label = `growth from ${n.toLocaleString('en-US')} to ${m.toLocaleString('en-US')} sessions`;
  process.stdout.write(`\n▶ ${label} (per operation; near 1 means flat)\n`);
  for (const f of growth) process.stdout.write(`${row(f)}\n`);
  results.push({ name: label, figures: growth, ms: 0 });
}
if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ quick, at: new Date().toISOString(), results }, null, 2)}\n`);
process.exit(failed ? 1 : 0);
