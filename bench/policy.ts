// Policy engine benchmark: a policy of 10,000 users, 1,000 resources and 2,000 grants;
// measures parsing, evaluations per second (every user evaluated once = one full
// re-evaluation, as after a policy apply) and the blast-radius diff. Prints one JSON object.
// Goals are ours: re-evaluating 10,000 live sessions must fit in one second. `ratio` >= 1
// means the goal is met (value/goal for rates, goal/value for times).
import { performance } from 'node:perf_hooks';
import { diffPolicies, EMPTY_POSTURE, evaluate, parsePolicy, type Policy } from '../controller/policy/index.js';

// --quick (the CI smoke run) measures a policy a tenth of the size.
const SCALE = process.argv.includes('--quick') ? 10 : 1;
const USERS = 10_000 / SCALE;
const RESOURCES = 1_000 / SCALE;
const GRANTS = 2_000 / SCALE;
const GROUPS = 400 / SCALE;
const GATEWAYS = 4;

/** Deterministic pseudo-random numbers (so every run measures the same policy). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function buildPolicy(seed: number): string {
  const rand = rng(seed);
  const lines: string[] = [`gateways: [${Array.from({ length: GATEWAYS }, (_, i) => `gw${i}`).join(', ')}]`, 'groups:'];
  const members: string[][] = Array.from({ length: GROUPS }, () => []);
  for (let u = 0; u < USERS; u++) {
    members[u % GROUPS]!.push(`user${u}`);
    if (rand(3) === 0) members[rand(GROUPS)]!.push(`user${u}`);
  }
  members.forEach((m, g) => lines.push(`  group${g}: [${[...new Set(m)].join(', ')}]`));
  lines.push('postures:', '  managed: { os: [linux, macos], disk_encryption: true, min_client_version: "1.2.0" }', 'resources:');
  const ports = ['tcp/22', 'tcp/443', 'tcp/80, tcp/443', 'tcp/5432', 'udp/53, icmp', 'tcp/8000-8099'];
  for (let r = 0; r < RESOURCES; r++) {
    // Each gateway fronts its own 10.<gw>.0.0/16, so no destination is behind two gateways.
    const gw = r % GATEWAYS;
    lines.push(`  res${r}: { address: 10.${gw}.${Math.floor(r / 256)}.${r % 256}, ports: [${ports[rand(ports.length)]}], gateway: gw${gw} }`);
  }
  lines.push('grants:');
  for (let g = 0; g < GRANTS; g++) {
    const to = [...new Set(Array.from({ length: 1 + rand(3) }, () => `group:group${rand(GROUPS)}`))];
    if (rand(4) === 0) to.push(`user${rand(USERS)}`);
    const resources = [...new Set(Array.from({ length: 1 + rand(5) }, () => `res${rand(RESOURCES)}`))];
    lines.push(`  - name: grant${g}`, `    to: [${to.join(', ')}]`, `    resources: [${resources.join(', ')}]`);
    if (rand(4) === 0) lines.push('    require: { mfa: true, posture: [managed] }');
    if (rand(4) === 0) lines.push('    session_ttl: 8h');
    if (rand(4) === 0) lines.push('    schedule: { days: [mon-fri], hours: "07:00-19:00", tz: Europe/Berlin }');
  }
  return `${lines.join('\n')}\n`;
}

function fullReevaluation(policy: Policy, now: Date): { ms: number; entitlements: number } {
  const posture = { ...EMPTY_POSTURE, os: 'linux', clientVersion: '1.3.0', diskEncryption: 'true' };
  let entitlements = 0;
  const start = performance.now();
  for (let u = 0; u < USERS; u++) {
    entitlements += evaluate(policy, { user: `user${u}`, groups: [], mfa: true, posture, now }).entitlements.length;
  }
  return { ms: performance.now() - start, entitlements };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const text = buildPolicy(1);
let start = performance.now();
const parsed = parsePolicy(text);
const parseMs = performance.now() - start;
if (!parsed.ok) throw new Error(`benchmark policy is invalid: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
const policy = parsed.policy;

const now = new Date('2025-06-02T10:00:00Z');
fullReevaluation(policy, now); // warm-up
const runs = Array.from({ length: 5 }, () => fullReevaluation(policy, now));
const fullMs = median(runs.map((r) => r.ms));

const changed = parsePolicy(text.replace(/^ {2}- name: grant0\n {4}to: \[[^\]]*\]/m, '  - name: grant0\n    to: [group:group1, group:group2]'));
if (!changed.ok) throw new Error('changed benchmark policy is invalid');
const directory = Array.from({ length: USERS }, (_, u) => ({ name: `user${u}`, groups: [] }));
start = performance.now();
const changes = diffPolicies(policy, changed.policy, directory);
const diffMs = performance.now() - start;

const evalsPerSecond = USERS / (fullMs / 1000);
const figure = (name: string, value: number, unit: string, goal?: number, higherIsBetter = true) => ({
  name, value: Math.round(value * 100) / 100, unit,
  ...(goal === undefined ? {} : { goal, ratio: Math.round((higherIsBetter ? value / goal : goal / value) * 100) / 100 }),
});

console.log(JSON.stringify({
  name: 'policy',
  figures: [
    figure('parse_and_validate', parseMs, 'ms', 2000, false),
    figure('evaluations_per_second', evalsPerSecond, 'evaluations/s', 10_000),
    figure(`full_reevaluation_${USERS}_users`, fullMs, 'ms', 1000, false),
    figure('entitlements_per_full_reevaluation', runs[0]!.entitlements, 'entitlements'),
    figure(`diff_${USERS}_users`, diffMs, 'ms', 2000, false),
    figure('users_changed_by_diff', changes.length, 'users'),
    figure('policy_size', Buffer.byteLength(text) / 1024, 'KiB'),
  ],
}));
