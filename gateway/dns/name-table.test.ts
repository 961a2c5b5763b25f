// Unit tests of the gateway's resolver and name table against a real DNS server in the test
// process: records with TTLs, re-resolution when the record changes, the grace of a vanished
// address, wildcard learning, failures closed and logged once, answers held back until the
// data plane has applied what they rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../common/log.js';
import { DnsServerFake } from './dns-server.fake.js';
import { DnsResolver, parseResolverServers } from './resolver.js';
import { NameTable, type NameTableOptions } from './name-table.js';

function captureLog() {
  const lines: string[] = [];
  const log = createLogger('test', new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }));
  return { log, lines };
}

/** A name table on a fresh fake server; `changes` yields each onChange call in order. */
async function setup(opts: Partial<NameTableOptions> = {}) {
  const server = new DnsServerFake();
  const at = await server.start();
  const { log, lines } = captureLog();
  const queue: string[][] = [];
  let wake: (() => void) | undefined;
  const table = new NameTable({
    resolver: new DnsResolver(parseResolverServers(at), 500),
    minTtlMs: 20, maxTtlMs: 300_000, graceMs: 50, log,
    onChange: async (destinations) => {
      queue.push(destinations);
      wake?.();
    },
    ...opts,
  });
  const nextChange = async (): Promise<string[]> => {
    while (queue.length === 0) await new Promise<void>((r) => { wake = r; });
    return queue.shift()!;
  };
  return { server, table, nextChange, lines, close: () => { table.close(); server.close(); } };
}

test('resolver servers: HOST[:PORT] lists, IPv6 in brackets with a port', () => {
  assert.deepEqual(parseResolverServers('10.0.0.53'), ['10.0.0.53']);
  assert.deepEqual(parseResolverServers('10.0.0.53:5353, [fd00::53]:53,fd00::54'), ['10.0.0.53:5353', '[fd00::53]:53', 'fd00::54']);
  for (const bad of ['', 'dns.corp', '10.0.0.53:0', '10.0.0.53:70000', '[dns.corp]:53', '10.0.0.300']) {
    assert.throws(() => parseResolverServers(bad), /HOST\[:PORT\]|port|no resolver/, bad);
  }
});

test('the resolver returns IPv4 and IPv6 addresses with the lowest TTL; no such name is no address; a failing server is an error', async () => {
  const server = new DnsServerFake();
  const resolver = new DnsResolver(parseResolverServers(await server.start()), 500);
  server.records.set('app.corp.internal', { a: ['198.19.0.10', '198.19.0.11'], aaaa: ['FD20:0::10'], ttl: 42 });
  const r = await resolver.resolve('app.corp.internal');
  assert.deepEqual(r, { addresses: ['198.19.0.10', '198.19.0.11', 'fd20::10'], ttlS: 42 });
  assert.deepEqual(await resolver.resolve('nothing.corp.internal'), { addresses: [], ttlS: undefined });
  server.failing = true;
  await assert.rejects(resolver.resolve('app.corp.internal'));
  server.close();
});

test('a needed name is resolved at once, re-resolved at its TTL, and a vanished address goes only after the grace', async () => {
  const { server, table, nextChange, close } = await setup();
  server.records.set('app.corp.internal', { a: ['198.19.0.10'], ttl: 0 });
  assert.deepEqual(table.addresses('app.corp.internal'), [], 'nothing before the first resolution');
  assert.deepEqual(await nextChange(), ['app.corp.internal']);
  assert.deepEqual(table.addresses('app.corp.internal'), ['198.19.0.10']);

  server.records.set('app.corp.internal', { a: ['198.19.0.20'], ttl: 0 });
  assert.deepEqual(await nextChange(), ['app.corp.internal'], 'the new address is announced');
  assert.deepEqual(table.addresses('app.corp.internal').sort(), ['198.19.0.10', '198.19.0.20'], 'the old one is still in grace');
  assert.deepEqual((await table.answer('app.corp.internal', ['app.corp.internal'])).addresses, ['198.19.0.20'], 'answers leave it out');
  assert.deepEqual(await nextChange(), ['app.corp.internal'], 'the grace ends');
  assert.deepEqual(table.addresses('app.corp.internal'), ['198.19.0.20']);
  close();
});

test('an answer carries the time to the next resolution, at most the max TTL', async () => {
  const { server, table, nextChange, close } = await setup({ minTtlMs: 1000, maxTtlMs: 30_000 });
  server.records.set('app.corp.internal', { a: ['198.19.0.10'], ttl: 3600 });
  table.addresses('app.corp.internal');
  await nextChange();
  const a = await table.answer('app.corp.internal', ['app.corp.internal']);
  assert.ok(a.ttlS <= 30 && a.ttlS >= 29, `ttl ${a.ttlS}`);
  close();
});

test('a wildcard stands for the names answered under it, and an answer waits until that change is applied', async () => {
  const { server, table, nextChange, close } = await setup();
  server.records.set('a.corp.internal', { a: ['198.19.0.30'], ttl: 60 });
  server.records.set('b.corp.internal', { a: ['198.19.0.31'], ttl: 60 });
  assert.deepEqual(table.addresses('*.corp.internal'), []);
  const answered = table.answer('a.corp.internal', ['*.corp.internal']);
  assert.deepEqual(await nextChange(), ['*.corp.internal']);
  assert.deepEqual(table.addresses('*.corp.internal'), ['198.19.0.30']);
  assert.deepEqual((await answered).addresses, ['198.19.0.30']);
  await table.answer('b.corp.internal', ['*.corp.internal']);
  assert.deepEqual(await nextChange(), ['*.corp.internal']);
  assert.deepEqual(table.addresses('*.corp.internal').sort(), ['198.19.0.30', '198.19.0.31']);
  // A name under the wildcard without addresses is not learned (nothing keeps asking for it).
  assert.deepEqual((await table.answer('nope.corp.internal', ['*.corp.internal'])).addresses, []);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.asked.filter((q) => q.endsWith('nope.corp.internal')).length, 2, 'asked once (A and AAAA), never again');
  close();
});

test('the answer is held until the data plane has taken the change, and fails when it could not', async () => {
  const server = new DnsServerFake();
  const at = await server.start();
  server.records.set('a.corp.internal', { a: ['198.19.0.30'], ttl: 60 });
  let release: (() => void) | undefined;
  let fail = false;
  const table = new NameTable({
    resolver: new DnsResolver(parseResolverServers(at), 500), minTtlMs: 20, maxTtlMs: 300_000, graceMs: 50, log: captureLog().log,
    onChange: () => (fail ? Promise.reject(new Error('nft failed')) : new Promise<void>((r) => { release = r; })),
  });
  table.addresses('*.corp.internal');
  let done = false;
  const answered = table.answer('a.corp.internal', ['*.corp.internal']).then((a) => { done = true; return a; });
  while (!release) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false, 'no answer before the change is applied');
  release();
  assert.deepEqual((await answered).addresses, ['198.19.0.30']);
  fail = true;
  server.records.set('b.corp.internal', { a: ['198.19.0.31'], ttl: 60 });
  await assert.rejects(table.answer('b.corp.internal', ['*.corp.internal']), /nft failed/);
  table.close();
  server.close();
});

test('a resolver failure grants nothing once the grace is over, and is logged once, not per resolution', async () => {
  const { server, table, nextChange, lines, close } = await setup();
  server.records.set('app.corp.internal', { a: ['198.19.0.10'], ttl: 0 });
  table.addresses('app.corp.internal');
  await nextChange();
  server.failing = true;
  assert.deepEqual(await nextChange(), ['app.corp.internal'], 'the address goes after the grace');
  assert.deepEqual(table.addresses('app.corp.internal'), []);
  const asked = server.asked.length;
  while (server.asked.length < asked + 6) await new Promise((r) => setTimeout(r, 10));
  assert.equal(lines.filter((l) => l.includes('name did not resolve')).length, 1);
  server.failing = false;
  assert.deepEqual(await nextChange(), ['app.corp.internal'], 'back when it resolves again');
  assert.deepEqual(table.addresses('app.corp.internal'), ['198.19.0.10']);
  assert.equal(lines.filter((l) => l.includes('name resolves again')).length, 1);
  close();
});

test('a name no applied session holds any more is no longer resolved', async () => {
  const { server, table, nextChange, close } = await setup();
  server.records.set('app.corp.internal', { a: ['198.19.0.10'], ttl: 0 });
  table.addresses('app.corp.internal');
  await nextChange();
  table.retain(new Set());
  await new Promise((r) => setTimeout(r, 30));
  const asked = server.asked.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.asked.length, asked);
  close();
});

test('names learned under wildcards are bounded', async () => {
  const { server, table, nextChange, close } = await setup({ maxLearned: 1 });
  server.records.set('a.corp.internal', { a: ['198.19.0.30'], ttl: 60 });
  server.records.set('b.corp.internal', { a: ['198.19.0.31'], ttl: 60 });
  table.addresses('*.corp.internal');
  await table.answer('a.corp.internal', ['*.corp.internal']);
  assert.deepEqual(await nextChange(), ['*.corp.internal']);
  await assert.rejects(table.answer('b.corp.internal', ['*.corp.internal']), /too many names/);
  assert.deepEqual(table.addresses('*.corp.internal'), ['198.19.0.30']);
  close();
});

test('names being resolved count toward the cap: a burst of new names cannot overshoot it', async () => {
  const { server, table, close } = await setup({ maxLearned: 1 });
  server.records.set('a.corp.internal', { a: ['198.19.0.30'], ttl: 60 });
  server.records.set('b.corp.internal', { a: ['198.19.0.31'], ttl: 60 });
  table.addresses('*.corp.internal');
  const first = table.answer('a.corp.internal', ['*.corp.internal'], 's1');
  await assert.rejects(table.answer('b.corp.internal', ['*.corp.internal'], 's2'), /too many names/);
  await first;
  close();
});

test('one session holds only its share of the learned names and learns only so many a minute', async () => {
  const { server, table, close } = await setup({ maxLearned: 4, maxLearnedPerSession: 2 });
  for (const n of ['a', 'b', 'c', 'd']) server.records.set(`${n}.corp.internal`, { a: ['198.19.0.30'], ttl: 60 });
  table.addresses('*.corp.internal');
  await table.answer('a.corp.internal', ['*.corp.internal'], 's1');
  await table.answer('b.corp.internal', ['*.corp.internal'], 's1');
  await assert.rejects(table.answer('c.corp.internal', ['*.corp.internal'], 's1'), /this session has learned too many/);
  assert.deepEqual((await table.answer('c.corp.internal', ['*.corp.internal'], 's2')).addresses, ['198.19.0.30'], 'another session still learns');
  assert.deepEqual((await table.answer('a.corp.internal', ['*.corp.internal'], 's1')).addresses, ['198.19.0.30'], 'a known name costs nothing');
  close();
  const quota = await setup({ learnPerMinute: 2 });
  for (const n of ['a', 'b', 'c']) quota.server.records.set(`${n}.corp.internal`, { a: ['198.19.0.30'], ttl: 60 });
  quota.table.addresses('*.corp.internal');
  await quota.table.answer('a.corp.internal', ['*.corp.internal'], 's1');
  await quota.table.answer('b.corp.internal', ['*.corp.internal'], 's1');
  await assert.rejects(quota.table.answer('c.corp.internal', ['*.corp.internal'], 's1'), /too fast/);
  await quota.table.answer('c.corp.internal', ['*.corp.internal'], 's2');
  quota.close();
});

test('a learned name nobody asks for any more is forgotten: its addresses leave the wildcard and it is not resolved again', async () => {
  const { server, table, nextChange, close } = await setup({ minTtlMs: 10, maxTtlMs: 20 });
  server.records.set('a.corp.internal', { a: ['198.19.0.30'], ttl: 0 });
  table.addresses('*.corp.internal');
  await table.answer('a.corp.internal', ['*.corp.internal'], 's1');
  assert.deepEqual(await nextChange(), ['*.corp.internal'], 'learned');
  assert.deepEqual(await nextChange(), ['*.corp.internal'], 'forgotten');
  assert.deepEqual(table.addresses('*.corp.internal'), []);
  const asked = server.asked.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.asked.length, asked);
  close();
});
