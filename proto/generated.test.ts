// The generated files must match proto/wicket.proto: regenerating into a temporary directory
// must give exactly the committed files, and the descriptor the loader reads must serve what
// the .proto text does.
import { test } from 'node:test';
import type { MethodDefinition } from '@grpc/grpc-js';
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

test('the generated descriptor loads the same services as the .proto text', async () => {
  const grpc = await import('@grpc/grpc-js');
  const protoLoader = await import('@grpc/proto-loader');
  const { wicketV1, PROTO_PATH, LOADER_OPTIONS } = await import('./load.js');
  const parsed = (grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS)) as unknown as { wicket: { v1: ReturnType<typeof wicketV1> } }).wicket.v1;
  const v1 = wicketV1();
  for (const service of ['Auth', 'Client', 'Gateway', 'Admin'] as const) {
    const want = parsed[service].service as unknown as Record<string, MethodDefinition<object, object>>;
    const got = v1[service].service as unknown as Record<string, MethodDefinition<object, object>>;
    assert.deepEqual(Object.keys(got), Object.keys(want), `${service} methods`);
    for (const [name, m] of Object.entries(want)) {
      const g = got[name]!;
      assert.deepEqual([g.path, g.requestStream, g.responseStream, g.originalName], [m.path, m.requestStream, m.responseStream, m.originalName], `${service}.${name}`);
      // Empty messages decode to the same defaults (camelCase names, enums as strings, longs as numbers).
      assert.deepEqual(g.responseDeserialize(Buffer.alloc(0)), m.responseDeserialize(Buffer.alloc(0)), `${service}.${name} response defaults`);
      assert.deepEqual(g.requestDeserialize(Buffer.alloc(0)), m.requestDeserialize(Buffer.alloc(0)), `${service}.${name} request defaults`);
      assert.deepEqual(g.requestSerialize(m.requestDeserialize(Buffer.alloc(0))), m.requestSerialize(m.requestDeserialize(Buffer.alloc(0))), `${service}.${name} request encoding`);
    }
  }
});
