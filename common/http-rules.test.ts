import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalPath, checkPathPattern, decideHttp, parseMethod, pathMatches, type CanonicalPath } from './http-rules.js';

const canon = (t: string): CanonicalPath => {
  const c = canonicalPath(t);
  if ('error' in c) throw new Error(c.error);
  return c;
};

test('path patterns: * is one segment, ** any number', () => {
  const table: [string, string, boolean][] = [
    ['/docs/*', '/docs/a', true],
    ['/docs/*', '/docs/a/b', false],
    ['/docs/*', '/docs', false],
    ['/docs/**', '/docs', true],
    ['/docs/**', '/docs/a/b/c', true],
    ['/docs/**', '/doc', false],
    ['/**', '/', true],
    ['/', '/', true],
    ['/', '/a', false],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a/**/z', '/a/b/c', false],
    ['/api/*/items', '/api/v1/items', true],
    ['/docs/a', '/docs/a/', true],
  ];
  for (const [pattern, path, want] of table) {
    assert.equal(checkPathPattern(pattern), undefined, pattern);
    assert.equal(pathMatches(pattern, canon(path).segments), want, `${pattern} ~ ${path}`);
  }
});

test('invalid patterns and methods are refused with a reason', () => {
  for (const p of ['docs/*', '/docs/a*', '/docs//a', '/docs/../a', '/a b']) assert.match(checkPathPattern(p) ?? '', /invalid path pattern/, p);
  assert.deepEqual(parseMethod('get'), 'GET');
  assert.ok(typeof parseMethod('GE T') === 'object');
});

test('canonical paths resolve dots, drop the query and refuse what could be read two ways', () => {
  assert.deepEqual(canon('/docs/./a/../b?x=1'), { path: '/docs/b', segments: ['docs', 'b'] });
  assert.deepEqual(canon('//docs///a'), { path: '/docs/a', segments: ['docs', 'a'] });
  assert.deepEqual(canon('/docs/%2e%2e/admin'), { path: '/admin', segments: ['admin'] });
  assert.deepEqual(canon('/docs/a%20b'), { path: '/docs/a%20b', segments: ['docs', 'a b'] });
  assert.deepEqual(canon('/docs/a@b:c'), { path: '/docs/a@b:c', segments: ['docs', 'a@b:c'] });
  for (const bad of ['/..', '/docs/%2Fadmin', '/docs/%5cadmin', '/docs/%00', '/docs/%zz', 'docs']) {
    assert.ok('error' in canonicalPath(bad), bad);
  }
});

test('a refusal names the missing method, else the missing path', () => {
  const rules = [{ grant: 'read', methods: ['GET', 'HEAD'], paths: ['/docs/*'] }];
  assert.deepEqual(decideHttp(rules, 'GET', canon('/docs/a'), 'wiki'), { allowed: true, grant: 'read' });
  const post = decideHttp(rules, 'POST', canon('/docs/a'), 'wiki');
  assert.ok(!post.allowed && /method POST/.test(post.reason) && /GET, HEAD/.test(post.reason));
  const admin = decideHttp(rules, 'GET', canon('/admin'), 'wiki');
  assert.ok(!admin.allowed && /GET \/admin/.test(admin.reason) && /\/docs\/\*/.test(admin.reason));
  const none = decideHttp([], 'GET', canon('/'), 'wiki');
  assert.ok(!none.allowed && /no grant gives you wiki/.test(none.reason));
  assert.deepEqual(decideHttp([{ grant: 'all', methods: [], paths: [] }], 'DELETE', canon('/x'), 'wiki'), { allowed: true, grant: 'all' });
});
