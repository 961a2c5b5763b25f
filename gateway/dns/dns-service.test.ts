// Unit tests of the gateway's DNS service with real packets on loopback: callers are told apart
// by their source address (127.0.0.2 is alice's session, 127.0.0.3 bob's, 127.0.0.4 carol's,
// whose IPv6 is not enforced, 127.0.0.9 nobody's),
// names come from a real DNS server in the test process through a real name table, and a fake
// data plane records which addresses it holds for each destination when a reply arrives.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import dnsPacket from 'dns-packet';
import { createLogger } from '../../common/log.js';
import { PROBE_NAME } from '../../common/dns-names.js';
import { DnsServerFake } from './dns-server.fake.js';
import { DnsResolver, parseResolverServers } from './resolver.js';
import { NameTable } from './name-table.js';
import { DnsService } from './dns-service.js';

const log = createLogger('test', new Writable({ write(_c, _e, done) { done(); } }));
const SESSIONS: Record<string, { id: string; names: string[] }> = {
  '127.0.0.2': { id: 'alice', names: ['app.corp.internal', '*.lab.internal'] },
  '127.0.0.3': { id: 'bob', names: ['db.corp.internal'] },
  '127.0.0.4': { id: 'carol', names: ['app.corp.internal'] },
};

async function setup(t: TestContext, rate?: { queriesPerSecond?: number; burst?: number; strangersPerSecond?: number; strangerBurst?: number }) {
  const upstream = new DnsServerFake();
  const at = await upstream.start();
  upstream.records.set('app.corp.internal', { a: ['198.19.0.10'], aaaa: ['fd20::10'], ttl: 60 });
  upstream.records.set('x.corp.internal', { a: ['198.19.0.11'], ttl: 60 });
  upstream.records.set('one.lab.internal', { a: ['198.19.1.1'], ttl: 60 });
  upstream.records.set('lab.internal', { a: ['198.19.1.254'], ttl: 60 });
  /** What the fake data plane holds per destination: what the table said when it re-applied. */
  const applied = new Map<string, string[]>();
  const table: NameTable = new NameTable({
    resolver: new DnsResolver(parseResolverServers(at), 500), minTtlMs: 1000, maxTtlMs: 300_000, graceMs: 1000, log,
    onChange: async (destinations) => {
      await new Promise((r) => setTimeout(r, 10)); // an nft transaction takes a while
      for (const d of destinations) applied.set(d, table.addresses(d));
    },
  });
  for (const s of Object.values(SESSIONS)) for (const n of s.names) table.addresses(n);
  const denied: string[] = [];
  const service = new DnsService({
    names: table,
    sessionOf: (a) => SESSIONS[a]?.id,
    hasIpv6: (id) => id !== 'carol',
    destinationsOf: (id) => Object.values(SESSIONS).find((s) => s.id === id)?.names ?? [],
    onDenied: (session, source, name) => denied.push(`${session}|${source}|${name}`),
    log, ...rate,
  });
  await service.listen('127.0.0.1', 0);
  t.after(async () => {
    await service.close();
    table.close();
    upstream.close();
  });
  return { service, applied, denied, upstream };
}

/** A decoded reply (dns-packet decodes the rcode; its types leave it out). */
type Reply = dnsPacket.DecodedPacket & { rcode: string };

let nextId = 1;
const query = (name: string, type: dnsPacket.RecordType = 'A') =>
  dnsPacket.encode({ type: 'query', id: nextId++, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });

/** Sends raw datagrams from `source` and returns the first reply (undefined after 300 ms). */
async function udp(port: number, source: string, ...messages: Buffer[]): Promise<Reply | undefined> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, source, r));
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 300);
      socket.once('message', (m) => {
        clearTimeout(timer);
        resolve(dnsPacket.decode(m) as Reply);
      });
      for (const m of messages) socket.send(m, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

const ask = async (port: number, source: string, name: string, type: dnsPacket.RecordType = 'A') => (await udp(port, source, query(name, type)))!;
const data = (p: dnsPacket.DecodedPacket) => (p.answers ?? []).map((a) => (a as dnsPacket.StringAnswer).data);

test('an entitled name is answered with its addresses, already applied, A and AAAA apart, with their TTL', async (t) => {
  const { service, applied, denied } = await setup(t);
  const a = await ask(service.port!, '127.0.0.2', 'App.Corp.Internal.');
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(data(a), ['198.19.0.10']);
  assert.ok(applied.get('app.corp.internal')?.includes('198.19.0.10'), 'in the sets before the reply');
  const ttl = (a.answers![0] as dnsPacket.StringAnswer).ttl!;
  assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  assert.equal(a.flag_rd, true);
  assert.deepEqual(data(await ask(service.port!, '127.0.0.2', 'app.corp.internal', 'AAAA')), ['fd20::10']);
  const mx = await ask(service.port!, '127.0.0.2', 'app.corp.internal', 'MX');
  assert.deepEqual([mx.rcode, mx.answers?.length], ['NOERROR', 0]);
  assert.deepEqual(denied, []);
});

test('a name the session is not entitled to is NXDOMAIN and a denied attempt; another session\'s name too', async (t) => {
  const { service, denied } = await setup(t);
  assert.equal((await ask(service.port!, '127.0.0.2', 'x.corp.internal')).rcode, 'NXDOMAIN');
  const bob = await ask(service.port!, '127.0.0.3', 'app.corp.internal');
  assert.deepEqual([bob.rcode, bob.answers?.length], ['NXDOMAIN', 0]);
  assert.deepEqual(denied, ['alice|127.0.0.2|x.corp.internal', 'bob|127.0.0.3|app.corp.internal']);
});

test('a wildcard covers the names below it (learned for the data plane), not the suffix itself', async (t) => {
  const { service, applied, denied } = await setup(t);
  const one = await ask(service.port!, '127.0.0.2', 'one.lab.internal');
  assert.deepEqual(data(one), ['198.19.1.1']);
  assert.deepEqual(applied.get('*.lab.internal'), ['198.19.1.1'], 'applied for the wildcard before the reply');
  assert.equal((await ask(service.port!, '127.0.0.2', 'lab.internal')).rcode, 'NXDOMAIN');
  assert.deepEqual(denied, ['alice|127.0.0.2|lab.internal']);
});

test('an unknown caller is REFUSED and recorded; the probe name is NXDOMAIN for anyone and never recorded', async (t) => {
  const { service, denied, upstream } = await setup(t);
  assert.equal((await ask(service.port!, '127.0.0.9', 'app.corp.internal')).rcode, 'REFUSED');
  assert.equal((await ask(service.port!, '127.0.0.9', PROBE_NAME)).rcode, 'NXDOMAIN');
  assert.equal((await ask(service.port!, '127.0.0.2', PROBE_NAME)).rcode, 'NXDOMAIN');
  assert.deepEqual(denied, ['|127.0.0.9|app.corp.internal']);
  assert.equal(upstream.asked.filter((q) => q.includes(PROBE_NAME)).length, 0, 'the probe never reaches the resolver');
});

test('malformed messages are dropped without a reply and the service keeps answering', async (t) => {
  const { service } = await setup(t);
  const response = dnsPacket.encode({ type: 'response', id: 7, questions: [{ type: 'A', name: 'app.corp.internal' }] });
  const twoQuestions = dnsPacket.encode({ type: 'query', id: 8, questions: [{ type: 'A', name: 'app.corp.internal' }, { type: 'A', name: 'x.corp.internal' }] });
  for (const bad of [Buffer.from('garbage'), Buffer.alloc(12, 0xff), query('app.corp.internal').subarray(0, 20), response, Buffer.alloc(5000)]) {
    assert.equal(await udp(service.port!, '127.0.0.2', bad), undefined, bad.toString('hex').slice(0, 40));
  }
  assert.equal((await udp(service.port!, '127.0.0.2', twoQuestions))!.rcode, 'FORMERR');
  assert.deepEqual(data(await ask(service.port!, '127.0.0.2', 'app.corp.internal')), ['198.19.0.10']);
});

/** Opens a TCP connection from `source`; `replies` collects decoded length-framed replies. */
async function tcp(t: TestContext, port: number, source: string) {
  const socket: Socket = connect({ port, host: '127.0.0.1', localAddress: source });
  await new Promise<void>((r) => socket.once('connect', r));
  const replies: Reply[] = [];
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      replies.push(dnsPacket.decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0))) as Reply);
      buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
    }
    wake?.();
  });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  t.after(() => socket.destroy());
  socket.on('error', () => undefined);
  const frame = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
  const waitFor = async (n: number) => {
    while (replies.length < n) await new Promise<void>((r) => { wake = r; });
  };
  return { socket, replies, frame, waitFor, closed };
}

test('tcp: length-framed queries, several per segment or one split across segments, answered in order', async (t) => {
  const { service } = await setup(t);
  const c = await tcp(t, service.port!, '127.0.0.2');
  const q1 = query('app.corp.internal');
  const q2 = query('x.corp.internal');
  c.socket.write(Buffer.concat([c.frame(q1), c.frame(q2)]));
  await c.waitFor(2);
  assert.deepEqual(c.replies.map((r) => r.rcode), ['NOERROR', 'NXDOMAIN']);
  const q3 = c.frame(query('app.corp.internal', 'AAAA'));
  c.socket.write(q3.subarray(0, 1));
  await new Promise((r) => setTimeout(r, 20));
  c.socket.write(q3.subarray(1, 9));
  await new Promise((r) => setTimeout(r, 20));
  c.socket.write(q3.subarray(9));
  await c.waitFor(3);
  assert.deepEqual(data(c.replies[2]), ['fd20::10']);
  c.socket.destroy();
});

test('tcp: an impossible length closes the connection; the service keeps serving', async (t) => {
  const { service } = await setup(t);
  const c = await tcp(t, service.port!, '127.0.0.2');
  c.socket.write(Buffer.from([0xff, 0xff, 1, 2, 3]));
  await c.closed;
  const d = await tcp(t, service.port!, '127.0.0.2');
  d.socket.write(Buffer.from([0, 3, 1, 2, 3]));
  await d.closed;
  const e = await tcp(t, service.port!, '127.0.0.2');
  e.socket.write(e.frame(query('app.corp.internal')));
  await e.waitFor(1);
  assert.deepEqual(data(e.replies[0]), ['198.19.0.10']);
  e.socket.destroy();
});

test('each session is rate-limited: past its burst it is REFUSED without reaching the resolver', async (t) => {
  const { service, upstream } = await setup(t, { queriesPerSecond: 0.001, burst: 2 });
  assert.equal((await ask(service.port!, '127.0.0.2', 'one.lab.internal')).rcode, 'NOERROR');
  assert.equal((await ask(service.port!, '127.0.0.2', 'one.lab.internal')).rcode, 'NOERROR');
  const asked = upstream.asked.length;
  assert.equal((await ask(service.port!, '127.0.0.2', 'two.lab.internal')).rcode, 'REFUSED');
  assert.equal(upstream.asked.length, asked);
  assert.equal((await ask(service.port!, '127.0.0.3', 'db.corp.internal')).rcode, 'NOERROR', 'another session is not held back');
  assert.equal((await ask(service.port!, '127.0.0.2', PROBE_NAME)).rcode, 'NXDOMAIN', 'the probe is never limited');
});

test('a caller without a session is REFUSED and recorded only up to its small rate, then dropped unanswered', async (t) => {
  const { service, denied } = await setup(t, { strangersPerSecond: 0.001, strangerBurst: 2 });
  assert.equal((await ask(service.port!, '127.0.0.9', 'app.corp.internal')).rcode, 'REFUSED');
  assert.equal((await ask(service.port!, '127.0.0.9', 'app.corp.internal')).rcode, 'REFUSED');
  assert.equal(await udp(service.port!, '127.0.0.9', query('app.corp.internal')), undefined);
  assert.equal(denied.length, 2, 'no record past the rate');
  assert.equal((await ask(service.port!, '127.0.0.2', 'app.corp.internal')).rcode, 'NOERROR', 'sessions are not held back');
});

test('tcp: one session holds at most 16 connections; another session still connects', async (t) => {
  const { service } = await setup(t);
  const held = [];
  for (let i = 0; i < 16; i++) held.push(await tcp(t, service.port!, '127.0.0.2'));
  const extra = await tcp(t, service.port!, '127.0.0.2');
  await extra.closed;
  const bob = await tcp(t, service.port!, '127.0.0.3');
  bob.socket.write(bob.frame(query('db.corp.internal')));
  await bob.waitFor(1);
  held[0].socket.write(held[0].frame(query('app.corp.internal')));
  await held[0].waitFor(1);
  assert.deepEqual(data(held[0].replies[0]), ['198.19.0.10'], 'the connections kept still answer');
  for (const c of [...held, bob]) c.socket.destroy();
});

test('a session whose IPv6 is not enforced gets AAAA answers without records, A as usual', async (t) => {
  const { service } = await setup(t);
  const aaaa = await ask(service.port!, '127.0.0.4', 'app.corp.internal', 'AAAA');
  assert.deepEqual([aaaa.rcode, aaaa.answers?.length], ['NOERROR', 0]);
  assert.deepEqual(data(await ask(service.port!, '127.0.0.4', 'app.corp.internal')), ['198.19.0.10']);
  assert.deepEqual(data(await ask(service.port!, '127.0.0.2', 'app.corp.internal', 'AAAA')), ['fd20::10'], 'a session with IPv6 gets them');
});
