// The generated TypeScript types must match proto/wicket.proto: regenerating into a
// temporary directory must give exactly the committed files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('proto/generated is up to date with proto/wicket.proto', () => {
  const r = spawnSync(process.execPath, ['scripts/proto-gen.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});

test('the loader serves every service the contract names', async () => {
  const { wicketV1 } = await import('./load.js');
  const v1 = wicketV1();
  for (const service of ['Auth', 'Client', 'Gateway', 'Admin'] as const) {
    assert.equal(typeof v1[service], 'function', `${service} service constructor`);
    assert.ok(Object.keys(v1[service].service).length > 0, `${service} has methods`);
  }
});
