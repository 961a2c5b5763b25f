// HTTP resources through the real Admin API (gRPC, mutual TLS, SQLite): a policy with HTTP
// resources is tested, diffed and applied; explain decides one request and names the rule
// that is missing; a malformed request to explain is refused, never guessed at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../../common/grpc.js';
import { rpcError, startTestController, type TestController } from './harness.js';

const POLICY = `groups:
  engineering: [alice, bob]
resources:
  wiki:
    http: { upstream: "http://10.20.0.10:8080", hostname: wiki.corp.example }
    gateway: dc1
  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: dc1 }
grants:
  - name: eng-wiki-read
    to: [group:engineering]
    resources: [wiki]
    http: { methods: [GET, HEAD], paths: ["/docs/*"] }
  - name: eng-db
    to: [group:engineering]
    resources: [db]
tests:
  - user: alice
    allow: ["wiki:GET/docs/a", "db:tcp/5432"]
    deny: ["wiki:POST/docs/a", "wiki:GET/admin"]
`;

describe('HTTP resources through the Admin API', () => {
  let t: TestController;

  before(async () => {
    t = await startTestController();
  });
  after(() => t.stop());

  test('the policy tests, diffs (requests as items) and applies', async () => {
    const tested = await call(t.admin.admin, 'TestPolicy', { yaml: POLICY });
    assert.equal(tested.ok, true, JSON.stringify(tested));
    assert.deepEqual(tested.tests.map((x) => [x.name, x.passed]), [
      ['alice: allow wiki:GET/docs/a', true], ['alice: allow db:tcp/5432', true],
      ['alice: deny wiki:POST/docs/a', true], ['alice: deny wiki:GET/admin', true],
    ]);
    const diff = await call(t.admin.admin, 'DiffPolicy', { yaml: POLICY });
    assert.deepEqual(diff.changes.find((c) => c.user === 'alice')?.gained, ['db:tcp/5432', 'wiki:GET /docs/*', 'wiki:HEAD /docs/*']);
    const applied = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    assert.ok(applied.version > 0, JSON.stringify(applied.check));
    const wider = POLICY.replace('methods: [GET, HEAD]', 'methods: [GET, HEAD, POST]');
    const change = await call(t.admin.admin, 'DiffPolicy', { yaml: wider });
    assert.deepEqual(change.changes, [
      { user: 'alice', gained: ['wiki:POST /docs/*'], lost: [] },
      { user: 'bob', gained: ['wiki:POST /docs/*'], lost: [] },
    ]);
  });

  test('explain decides one request and says which rule is missing', async () => {
    const explain = (httpMethod: string, httpPath: string) =>
      call(t.admin.admin, 'ExplainPolicy', { user: 'alice', resource: 'wiki', protocol: '', port: 0, posture: null, atMs: 0, httpMethod, httpPath });
    const allowed = await explain('GET', '/docs/a');
    assert.equal(allowed.allowed, true);
    assert.equal(allowed.summary, 'alice may reach wiki GET /docs/a through grant eng-wiki-read');
    assert.deepEqual(allowed.entitlements.map((e) => [e.grant, e.protocol, e.portFrom, e.http?.hostname, e.http?.methods]), [
      ['eng-wiki-read', 'tcp', 80, 'wiki.corp.example', ['GET', 'HEAD']],
    ]);
    const method = await explain('POST', '/docs/a');
    assert.equal(method.allowed, false);
    assert.equal(method.summary, 'alice may not reach wiki POST /docs/a: no grant allows method POST on wiki (allowed: GET, HEAD)');
    const path = await explain('GET', '/docs/../admin');
    assert.equal(path.summary, 'alice may not reach wiki GET /admin: no grant allows GET /admin on wiki (allowed paths for GET: /docs/*)');
    const any = await explain('', '');
    assert.equal(any.summary, 'alice may reach wiki through grant eng-wiki-read');
  });

  test('a malformed request to explain is refused with the reason', async () => {
    const base = { user: 'alice', resource: 'wiki', protocol: '', port: 0, posture: null, atMs: 0 };
    for (const [req, message] of [
      [{ httpMethod: 'GET', httpPath: '' }, /give both http_method and http_path/],
      [{ httpMethod: 'GET', httpPath: '/../etc' }, /climbs above \//],
      [{ httpMethod: 'GET', httpPath: '/a', protocol: 'tcp' }, /not both/],
      [{ httpMethod: 'G T', httpPath: '/a' }, /HTTP method/],
    ] as const) {
      const err = await rpcError(call(t.admin.admin, 'ExplainPolicy', { ...base, ...req }));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT, err.message);
      assert.match(err.details, message);
    }
  });
});
