// Unit tests for the session's DNS forwarder against a fake gateway DNS service on 127.0.0.1
// (real udp and tcp sockets): answers are routed before the reply goes back, names no gateway
// covers get NXDOMAIN without leaving the device, malformed input is dropped, tcp works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { Writable } from 'node:stream';
import dnsPacket from 'dns-packet';
import { createLogger } from '../common/log.js';
import { DnsForwarder, isLocalSource } from './dns-forwarder.js';

const log = createLogger('test', new Writable({ write(_c, _e, cb) { cb(); } }));

/** A fake gateway DNS service: app.corp.internal → 10.20.0.10 and fd20::10; records what it was asked. */
async function fakeGateway() {
  const asked: string[] = [];
  const answer = (msg: Buffer): Buffer => {
    const q = dnsPacket.decode(msg);
    const question = q.questions![0]!;
    asked.push(`${question.type} ${question.name}`);
    const answers = question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 30, data: '10.20.0.10' }]
      : question.type === 'AAAA' ? [{ type: 'AAAA' as const, name: question.name, ttl: 30, data: 'fd20::10' }] : [];
    return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_DESIRED, questions: q.questions, answers });
  };
  const tcp = net.createServer((s) => s.on('data', (d) => {
    const reply = answer(d.subarray(2));
    const len = Buffer.alloc(2);
    len.writeUInt16BE(reply.length);
    s.end(Buffer.concat([len, reply]));
  }));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const port = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket('udp4');
  udp.on('message', (m, from) => udp.send(answer(m), from.port, from.address));
  await new Promise<void>((r) => udp.bind(port, '127.0.0.1', r));
  return { port, asked, close: () => { udp.close(); tcp.close(); } };
}

function udpAsk(port: number, packet: Buffer, timeoutMs = 2000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(undefined); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m); });
    s.send(packet, port, '127.0.0.1');
  });
}

/** The data of an answer record (an address for A and AAAA). */
const dataOf = (a: dnsPacket.Answer): unknown => (a as { data?: unknown }).data;

const query = (name: string, type: 'A' | 'AAAA' = 'A', id = 4242) =>
  dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });

async function setup() {
  const gw = await fakeGateway();
  const events: string[] = [];
  const fwd = new DnsForwarder({
    address: '127.0.0.1', port: 0, log, upstreamTimeoutMs: 500,
    route: (name) => (name === 'app.corp.internal' || name.endsWith('.wild.internal') ? { gateway: 'dc1a', address: '127.0.0.1', port: gw.port } : undefined),
    learn: async (name, gateway, addresses) => {
      await new Promise((r) => setTimeout(r, 30));
      events.push(`learned ${name} ${gateway} ${addresses.join(',')}`);
    },
  });
  await fwd.start();
  return { gw, fwd, events, close: async () => { await fwd.stop(); gw.close(); } };
}

test('an answered name is routed before the reply comes back (A and AAAA)', async () => {
  const t = await setup();
  try {
    const reply = await udpAsk(t.fwd.ports.udp, query('App.Corp.Internal.'));
    t.events.push('reply');
    const r = dnsPacket.decode(reply!);
    assert.equal(r.id, 4242);
    assert.deepEqual(r.answers!.map(dataOf), ['10.20.0.10']);
    const aaaa = await udpAsk(t.fwd.ports.udp, query('app.corp.internal', 'AAAA'));
    t.events.push('reply');
    assert.deepEqual(dnsPacket.decode(aaaa!).answers!.map(dataOf), ['fd20::10']);
    assert.deepEqual(t.events, ['learned app.corp.internal dc1a 10.20.0.10', 'reply', 'learned app.corp.internal dc1a fd20::10', 'reply']);
  } finally {
    await t.close();
  }
});

test('a name no gateway covers gets NXDOMAIN locally; the gateway is never asked', async () => {
  const t = await setup();
  try {
    const r = dnsPacket.decode((await udpAsk(t.fwd.ports.udp, query('x.corp.internal', 'A', 7)))!);
    assert.equal(r.id, 7);
    assert.equal(r.flags! & 0xf, 3, 'NXDOMAIN');
    assert.deepEqual(r.questions!.map((q) => q.name), ['x.corp.internal']);
    assert.deepEqual(t.gw.asked, []);
    assert.deepEqual(t.events, []);
  } finally {
    await t.close();
  }
});

test('malformed queries are dropped and the forwarder keeps answering', async () => {
  const t = await setup();
  try {
    for (const junk of [Buffer.alloc(0), Buffer.from('garbage'), Buffer.alloc(12, 0xff),
      dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'app.corp.internal' }] }),
      dnsPacket.encode({ type: 'query', id: 1, questions: [] })]) {
      assert.equal(await udpAsk(t.fwd.ports.udp, junk, 100), undefined);
    }
    assert.deepEqual(t.gw.asked, []);
    assert.ok(await udpAsk(t.fwd.ports.udp, query('app.corp.internal')));
  } finally {
    await t.close();
  }
});

test('queries over tcp are forwarded over tcp, routed first too', async () => {
  const t = await setup();
  try {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const s = net.connect(t.fwd.ports.tcp, '127.0.0.1');
      let buf = Buffer.alloc(0);
      s.on('error', reject);
      s.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { s.destroy(); resolve(buf.subarray(2)); }
      });
      const q = query('a.wild.internal');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      s.write(Buffer.concat([len, q]));
    });
    t.events.push('reply');
    assert.deepEqual(dnsPacket.decode(reply).answers!.map(dataOf), ['10.20.0.10']);
    assert.deepEqual(t.events, ['learned a.wild.internal dc1a 10.20.0.10', 'reply']);
  } finally {
    await t.close();
  }
});

test('an unreachable gateway gives SERVFAIL, not a hang', async () => {
  const t = await setup();
  t.gw.close();
  await new Promise((r) => setTimeout(r, 20));
  try {
    const r = dnsPacket.decode((await udpAsk(t.fwd.ports.udp, query('app.corp.internal')))!);
    assert.equal(r.flags! & 0xf, 2, 'SERVFAIL');
    assert.deepEqual(t.events, []);
  } finally {
    await t.fwd.stop();
  }
});

test('only this host may query: loopback and the session\'s own overlay addresses', () => {
  const own = ['100.64.0.7', 'fd6b:7769:636b::7'];
  for (const [from, ok] of [['127.0.0.1', true], ['127.3.4.5', true], ['::1', true], ['::ffff:127.0.0.1', true],
    ['100.64.0.7', true], ['fd6b:7769:636b::7', true], ['::ffff:100.64.0.7', true],
    ['192.168.1.50', false], ['100.64.0.8', false], ['fe80::1', false], ['', false], ['junk', false]] as const) {
    assert.equal(isLocalSource(from, own), ok, from);
  }
});

test('a query from another host (a LAN neighbour) is dropped; the gateway is never asked', async () => {
  const t = await setup();
  try {
    assert.equal(await t.fwd.handle(query('app.corp.internal'), 'udp', '192.168.1.50'), undefined);
    assert.equal(await t.fwd.handle(query('app.corp.internal'), 'tcp', '100.64.0.9'), undefined);
    assert.deepEqual(t.gw.asked, []);
    assert.deepEqual(t.events, []);
    assert.ok(await t.fwd.handle(query('app.corp.internal'), 'udp', '127.0.0.1'));
  } finally {
    await t.close();
  }
});

test('an upstream reply from another port than the gateway\'s service is ignored (SERVFAIL)', async () => {
  const gw = dgram.createSocket('udp4');
  const spoofer = dgram.createSocket('udp4');
  await new Promise<void>((r) => gw.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => spoofer.bind(0, '127.0.0.1', r));
  gw.on('message', (m, from) => {
    const q = dnsPacket.decode(m);
    spoofer.send(dnsPacket.encode({ type: 'response', id: q.id, questions: q.questions, answers: [{ type: 'A', name: 'app.corp.internal', ttl: 30, data: '10.99.0.1' }] }), from.port, from.address);
  });
  const learned: string[] = [];
  const fwd = new DnsForwarder({
    address: '127.0.0.1', port: 0, log, upstreamTimeoutMs: 200,
    route: () => ({ gateway: 'dc1a', address: '127.0.0.1', port: gw.address().port }),
    learn: async (_n, _g, addresses) => { learned.push(...addresses); },
  });
  await fwd.start();
  try {
    const r = dnsPacket.decode((await udpAsk(fwd.ports.udp, query('app.corp.internal')))!);
    assert.equal(r.flags! & 0xf, 2, 'SERVFAIL');
    assert.deepEqual(learned, []);
  } finally {
    await fwd.stop();
    gw.close();
    spoofer.close();
  }
});

test('a query still pending when the forwarder stops does not crash the process', async () => {
  const gw = await fakeGateway();
  let release!: () => void;
  const learning = new Promise<void>((r) => { release = r; });
  let asked!: () => void;
  const learnCalled = new Promise<void>((r) => { asked = r; });
  const fwd = new DnsForwarder({
    address: '127.0.0.1', port: 0, log, upstreamTimeoutMs: 500,
    route: () => ({ gateway: 'dc1a', address: '127.0.0.1', port: gw.port }),
    learn: async () => { asked(); await learning; },
  });
  await fwd.start();
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => rejections.push(err);
  process.on('unhandledRejection', onRejection);
  try {
    const c = dgram.createSocket('udp4');
    c.send(query('app.corp.internal'), fwd.ports.udp, '127.0.0.1');
    await learnCalled;
    await fwd.stop();
    release();
    await new Promise((r) => setTimeout(r, 50));
    c.close();
    assert.deepEqual(rejections, []);
  } finally {
    process.off('unhandledRejection', onRejection);
    gw.close();
  }
});
