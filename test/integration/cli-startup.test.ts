// The command lines load only what the command runs: `wicket status` reads local files and
// loads no gRPC and no CSR code, help loads no gRPC, and wicketctl's calls never load the
// controller's store. Checked by the CommonJS modules a real process has loaded when it exits
// (gRPC, node-forge, better-sqlite3 and pg are CommonJS), so it does not depend on timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HEAVY = ['@grpc/grpc-js', 'node-forge', 'better-sqlite3', 'pg'];
/** Preloaded into the command: prints the heavy packages it loaded as its last line of stderr. */
const REPORT = `data:text/javascript,${encodeURIComponent(`
import { createRequire } from 'node:module';
const cache = createRequire('/').cache;
process.on('exit', () => {
  const loaded = ${JSON.stringify(HEAVY)}.filter((p) => Object.keys(cache).some((f) => f.includes('/node_modules/' + p + '/')));
  process.stderr.write('\\nloaded: ' + JSON.stringify(loaded) + '\\n');
});`)}`;

/** Runs bin/`cmd` with `args`; its exit code, stdout and the heavy packages it loaded. */
function run(cmd: string, args: string[]): { code: number | null; stdout: string; loaded: string[] } {
  const r = spawnSync(process.execPath, ['--import', REPORT, join(root, 'bin', cmd), ...args], { encoding: 'utf8' });
  const line = /\nloaded: (.*)\n$/.exec(r.stderr);
  assert.ok(line, `no report of loaded modules: ${r.stderr}`);
  return { code: r.status, stdout: r.stdout, loaded: JSON.parse(line[1]!) as string[] };
}

test('wicket status and help load neither gRPC nor node-forge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-startup-'));
  try {
    const status = run('wicket', ['--state-dir', dir, 'status']);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /not logged in/);
    assert.deepEqual(status.loaded, []);
    const help = run('wicket', ['--help']);
    assert.equal(help.code, 0);
    assert.deepEqual(help.loaded, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wicketctl help loads no gRPC; a call loads gRPC but not the store or node-forge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicketctl-startup-'));
  try {
    const help = run('wicketctl', ['--help']);
    assert.equal(help.code, 0);
    assert.deepEqual(help.loaded, []);
    // No credentials in `dir`: the call fails before dialling, after loading what it needs.
    const list = run('wicketctl', ['--controller', '127.0.0.1:1', '--credentials', dir, 'session', 'list', '--json']);
    assert.equal(list.code, 1);
    assert.deepEqual(list.loaded, ['@grpc/grpc-js']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
