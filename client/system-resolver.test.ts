// Unit tests for the system resolver setup: routing domains from names and wildcards, the
// resolvectl calls with systemd-resolved, and the recorded reason without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configureResolver, revertResolver, routingDomains, type ResolverHost } from './system-resolver.js';

function host(runs: boolean, fail = false) {
  const calls: string[] = [];
  const h: ResolverHost = {
    resolvedRuns: async () => runs,
    resolvectl: async (args) => { calls.push(args.join(' ')); if (fail) throw new Error('exited with code 1'); },
  };
  return { h, calls };
}

test('routing domains: a wildcard gives its suffix, a name itself, each once', () => {
  assert.deepEqual(routingDomains(['*.corp.internal', 'db.corp.internal', 'app.corp.internal', '*.corp.internal']),
    ['~app.corp.internal', '~corp.internal', '~db.corp.internal']);
});

test('with systemd-resolved: per-link DNS and routing domains, reverted at down', async () => {
  const { h, calls } = host(true);
  const setup = await configureResolver('wk0', '100.64.0.2', ['*.corp.internal'], h);
  assert.deepEqual(setup, { resolver: 'resolvectl', domains: ['~corp.internal'], note: '' });
  await revertResolver('wk0', setup, h);
  assert.deepEqual(calls, ['dns wk0 100.64.0.2', 'domain wk0 ~corp.internal', 'revert wk0']);
});

test('without systemd-resolved nothing is done and the note says what to do', async () => {
  const { h, calls } = host(false);
  const setup = await configureResolver('wk0', '100.64.0.2', ['db.corp.internal'], h);
  assert.equal(setup.resolver, 'none');
  assert.match(setup.note, /systemd-resolved is not running: point the system resolver at 100\.64\.0\.2 for db\.corp\.internal/);
  await revertResolver('wk0', setup, h);
  assert.deepEqual(calls, []);
});

test('a failing resolvectl is recorded, not thrown; no names, nothing to do', async () => {
  const failing = host(true, true);
  assert.match((await configureResolver('wk0', '100.64.0.2', ['db.corp.internal'], failing.h)).note, /resolvectl failed/);
  const none = host(true);
  assert.equal((await configureResolver('wk0', '100.64.0.2', [], none.h)).resolver, 'none');
  assert.deepEqual(none.calls, []);
});
