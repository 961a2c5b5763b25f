// Runs every test suite with node's test runner and prints the closing line
// "N passed, N failed". The tests are compiled apart from what ships (`tsc -p tsconfig.json`
// to dist-dev/; bootstrap.mjs builds it); the programs they spawn through bin/ run dist/.
// Unit and integration tests (files named *.test.js under dist-dev/) run in parallel;
// end-to-end tests (dist-dev/test/e2e) run one file at a time because they
// share the machine's network namespaces, nftables and /var/run/wireguard — except the
// protocol attack suites listed in PROTOCOL_ONLY, which run a controller on loopback and
// touch nothing machine-wide, so they run in parallel with the unit and integration tests.
// A new e2e file runs alone unless it is listed there: the safe default.
//
// The store matrix: after the unit and integration pass on SQLite (the default store), a
// second pass runs the integration suites (test/integration/) and every unit test file that
// imports test/support/store.js again with WICKET_TEST_STORE=postgres, on one real PostgreSQL
// this script starts for the whole run (test/support/postgres.ts; its URL goes to the tests
// in WICKET_TEST_PG_URL and its data directory in WICKET_TEST_PG_DATA, and it is stopped at
// the end). Each pass is labelled with its store,
// and the closing summary lists the failed tests under the store they failed on.
//
// End-to-end tests are required: when this machine cannot run them (not root, or a tool is
// missing) the run fails, unless WICKET_SKIP_E2E=1 is set explicitly (never in CI).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist-dev');
const only = process.argv.slice(2); // optional substrings to select test files

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const all = walk(dist).filter((f) => f.endsWith('.test.js')).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
const e2eDir = join(dist, 'test', 'e2e') + sep;
const PROTOCOL_ONLY = ['attacks', 'attacks-admin', 'attacks-auth-port', 'attacks-gateway', 'attacks-integrity', 'attacks-sessions']
  .map((name) => join(e2eDir, `${name}.test.js`));
const e2e = all.filter((f) => f.startsWith(e2eDir) && !PROTOCOL_ONLY.includes(f));
const rest = all.filter((f) => !f.startsWith(e2eDir) || PROTOCOL_ONLY.includes(f));

// The second store's pass: the integration suites and the unit tests that take their store
// from test/support/store.js (found by resolving each compiled file's relative imports).
const integrationDir = join(dist, 'test', 'integration') + sep;
const testStoreModule = join(dist, 'test', 'support', 'store.js');
function importsTestStore(file) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    if (resolve(dirname(file), m[1]) === testStoreModule) return true;
  }
  return false;
}
const onPostgres = rest.filter((f) => f.startsWith(integrationDir) || importsTestStore(f));

const tapDir = mkdtempSync(join(tmpdir(), 'wicket-tests-'));
let passed = 0;
let failed = 0;
let skipped = 0;
/** Per pass: its label and the tests that failed in it. */
const failures = [];

/** The failed tests in a TAP report: name and, where the reporter gave it, the file. */
function failedTests(text) {
  const lines = text.split('\n');
  const out = [];
  lines.forEach((line, i) => {
    const m = /^\s*not ok \d+ - (.*)$/.exec(line);
    if (!m) return;
    let location = '';
    for (let j = i + 1; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]); j++) {
      const l = /^\s*location: '(.*)'$/.exec(lines[j]);
      if (l) location = ` (${l[1].replace(`${root}${sep}`, '')})`;
    }
    out.push(`${m[1]}${location}`);
  });
  return out;
}

function run(label, files, concurrency, env = {}) {
  if (files.length === 0) return;
  const tap = join(tapDir, `${label.replace(/\W+/g, '-')}.tap`);
  console.log(`\n== ${label}: ${files.length} files ==`);
  spawnSync(process.execPath, [
    '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  const text = readFileSync(tap, 'utf8');
  const count = (name) => Number((text.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  const names = failedTests(text);
  if (!/^# tests \d+$/m.test(text)) { // the runner itself crashed
    failed += 1;
    names.push('(the test runner crashed)');
  }
  if (names.length) failures.push({ label, names });
}

// One PostgreSQL for the whole run (some unit tests, such as the migrations', test both
// stores in every pass), unless the caller gives one in WICKET_TEST_PG_URL; stopped at the
// end (or when this process exits some other way).
let postgres;
if (!process.env.WICKET_TEST_PG_URL && rest.length > 0) {
  try {
    const { startPostgres } = await import(pathToFileURL(join(dist, 'scripts', 'postgres-server.js')).href);
    postgres = await startPostgres();
    process.env.WICKET_TEST_PG_URL = postgres.url;
    process.env.WICKET_TEST_PG_DATA = postgres.dataDir;
  } catch (err) {
    console.error(`\nPostgreSQL for the tests could not start, the PostgreSQL pass does NOT run: ${err.message}`);
    failures.push({ label: 'PostgreSQL', names: ['(the test server could not start)'] });
    failed += 1;
  }
}

run('unit and integration on SQLite', rest, 2, { WICKET_TEST_STORE: 'sqlite' });
if (process.env.WICKET_TEST_PG_URL) run('unit and integration on PostgreSQL', onPostgres, 2, { WICKET_TEST_STORE: 'postgres' });

const skipE2e = process.env.WICKET_SKIP_E2E === '1' && !process.env.CI;
if (skipE2e) {
  console.log('\nWICKET_SKIP_E2E=1: end-to-end suite NOT run');
} else {
  const missing = ['wg', 'wireguard-go', 'nft', 'ip', 'conntrack']
    .filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (process.getuid?.() !== 0 || missing.length) {
    console.error(`\nend-to-end suite required but cannot run: ${process.getuid?.() !== 0 ? 'not root; ' : ''}${missing.length ? `missing ${missing.join(', ')}` : ''}`);
    failed += 1;
  } else {
    run('end to end', e2e, 1);
  }
}

postgres?.stop();

for (const { label, names } of failures) {
  console.log(`\nfailed in ${label}:`);
  for (const name of names) console.log(`  ${name}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
