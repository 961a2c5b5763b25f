// Smoke test of the benchmark suite: `npm run bench -- --quick` (small sizes) runs every
// benchmark on real namespaces and produces every figure. It asserts no timing: figures
// are reported, not judged, here (docs/performance.md has the full runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

test('the quick benchmark suite produces every figure', { timeout: 900_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-bench-'));
  try {
    const file = join(dir, 'bench.json');
    const r = spawnSync(process.execPath, [RUN, '--quick', '--json', file], { encoding: 'utf8', timeout: 880_000 });
    assert.equal(r.status, 0, `bench failed:\n${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(readFileSync(file, 'utf8')) as { results: { name: string; figures: { name: string; value: number; unit: string; goal?: number; ratio?: number }[] }[] };
    assert.deepEqual(out.results.map((x) => x.name), ['policy', 'ingest', 'console lists', 'command start-up', 'dataplane 1', 'dataplane 100', 'dataplane 1,000',
      'sessions', 'auth port under a hostile flood', 'http proxy on loopback', 'http proxy', 'gateway failover', 'dns record change',
      'growth from 100 to 1,000 sessions']);
    for (const result of out.results) {
      assert.ok(result.figures.length > 0, `${result.name} produced figures`);
      for (const f of result.figures) {
        assert.ok(Number.isFinite(f.value), `${result.name}/${f.name} = ${f.value}`);
        assert.ok(f.unit.length > 0, `${result.name}/${f.name} has a unit`);
        if (f.goal) assert.ok(Number.isFinite(f.ratio), `${result.name}/${f.name} has a ratio to its goal`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
