// The whole zero-trust path with real packets: the real controller, gateway agent and
// client CLIs in network namespaces, wireguard-go, wg and nft. Proves least privilege at the
// packet level, that a client editing its own WireGuard config gains nothing, that every
// kind of revocation cuts an established TCP stream and is acknowledged by the gateway, that
// expiry holds with the gateway agent dead, that a wg-quick export works, and what happens
// when the controller is down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADDR, probeTcp, startStream, tcpConnect } from '../../scripts/topology/index.js';
import { eventually, PORTS, samplePolicy, WicketSystem } from '../../scripts/topology/system.js';
import { startSampleSystem } from '../support/topology.js';

interface SessionView {
  id: string; username: string; overlayAddress: string; state: string; endReason: string; wgPublicKey: string;
  acks: { gateway: string; version: number; ackedAtMs: number }[];
}

interface Status { session: { id: string; state: string; endReason: string; address: string } | null }

describe('sessions end to end', { timeout: 600_000 }, () => {
  let sys: WicketSystem;

  before(async () => {
    sys = await WicketSystem.create();
    await startSampleSystem(sys, ['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s']);
  });

  after(() => sys?.cleanup());

  const sessions = async (all = false) => sys.wicketctlJson<SessionView[]>(['session', 'list', ...(all ? ['--all'] : [])]);
  const status = async (role: string, user: string) => JSON.parse(await sys.wicket(role, user, ['status', '--json'])) as Status;

  /** Runs a stream to r1's echo port and returns it once echoes flow. */
  const openStream = async (role: string) => {
    const stream = await startStream(sys.topo, role, ADDR.r1, PORTS.echo, 20);
    await stream.waitForEchoes(5, 10_000);
    return stream;
  };

  /** Asserts the stream stopped getting echoes after `since` (allowing those already in flight). */
  const assertCut = async (stream: Awaited<ReturnType<typeof openStream>>, since: number, what: string) => {
    await eventually(() => Date.now() - Math.max(stream.lastEchoAt, since) > 1000, 10_000, `${what}: echoes keep flowing`);
    const late = stream.echoesSince(Date.now() - 900);
    assert.equal(late, 0, `${what}: ${late} echoes in the last 900 ms`);
    stream.stop();
  };

  test('alice reaches exactly her entitled ports; bob, at the same time, his', async () => {
    await sys.login('c1', 'alice');
    const a = await sys.up('c1', 'alice', 'a');
    await sys.login('c2', 'bob');
    const b = await sys.up('c2', 'bob', 'b');
    // carol is in no group: the controller refuses her session and says why.
    await sys.addUser('carol');
    await sys.login('c2', 'carol');
    await assert.rejects(sys.up('c2', 'carol', 'x'), /no resources granted/);

    assert.notEqual(a.session.overlayAddress, b.session.overlayAddress);
    const live = await sessions();
    const [sa, sb] = [a, b].map((x) => live.find((s) => s.id === x.session.id)!);
    assert.notEqual(sa.wgPublicKey, sb.wgPublicKey);

    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web), 'alice reaches the web app');
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.echo), 'alice reaches the web app echo port');
    assert.notEqual(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORTS.db), 'connected', 'alice does not reach the database');
    assert.ok(await probeTcp(sys.topo, 'c2', ADDR.r1, PORTS.web), 'bob reaches the web app');
    assert.ok(await probeTcp(sys.topo, 'c2', ADDR.r2, PORTS.db), 'bob reaches the database');
  });

  test('a client that widens its own WireGuard config and routes gains nothing', async () => {
    const st = await status('c1', 'alice');
    const ifname = sys.topo.ifname('a');
    const gwKey = (await sys.topo.exec('c1', 'wg', ['show', ifname, 'peers'])).trim();
    const bob = (await sessions()).find((s) => s.username === 'bob')!;
    await sys.topo.exec('c1', 'wg', ['set', ifname, 'peer', gwKey, 'allowed-ips', '0.0.0.0/0']);
    // (Not the gateway's WAN address: that is the tunnel's own endpoint.)
    for (const to of ['198.19.0.0/24', '100.64.0.0/10']) {
      await sys.topo.exec('c1', 'ip', ['route', 'replace', to, 'dev', ifname]);
    }
    // A refusal would mean the packet got through; everything must be silently dropped.
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.r1, 7002), 'timeout', 'another port on the entitled host');
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORTS.db), 'timeout', 'another resource');
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.gwLan, 22), 'timeout', "the gateway's LAN address");
    assert.equal(await tcpConnect(sys.topo, 'c1', bob.overlayAddress, PORTS.echo), 'timeout', 'the other client');
    // The controller, through the tunnel (a host route, removed again so heartbeats flow).
    await sys.topo.exec('c1', 'ip', ['route', 'replace', `${ADDR.ctl}/32`, 'dev', ifname]);
    const ctl = await tcpConnect(sys.topo, 'c1', ADDR.ctl, PORTS.api);
    await sys.topo.exec('c1', 'ip', ['route', 'del', `${ADDR.ctl}/32`, 'dev', ifname]);
    assert.equal(ctl, 'timeout', 'the controller through the tunnel');
    // A spoofed inner source (bob's overlay address) toward bob's database is dropped.
    await sys.topo.exec('c1', 'ip', ['addr', 'add', `${bob.overlayAddress}/32`, 'dev', ifname]);
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORTS.db, 1500, bob.overlayAddress), 'timeout', 'spoofed source');
    await sys.topo.exec('c1', 'ip', ['addr', 'del', `${bob.overlayAddress}/32`, 'dev', ifname]);
    // And what alice is entitled to still works.
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web));
    assert.ok(st.session?.state === 'active');
    // Every refused probe is visible to the operator, the gateway host's own address
    // included: the gateway reports denied attempts attributed to alice's session (spoofed
    // packets never reach the filter: WireGuard drops them first, by cryptokey routing).
    const seen = (d: { attempt: { destination: string; port: number } }, dest: string, port: number) => d.attempt.destination === dest && d.attempt.port === port;
    await eventually(async () => {
      const { denied } = await sys.wicketctlJson<{ denied: { username: string; attempt: { destination: string; port: number } }[] }>(['flows', '--session', st.session!.id]);
      return denied.every((d) => d.username === 'alice')
        && [[ADDR.r1, 7002], [ADDR.r2, PORTS.db], [ADDR.gwLan, 22], [bob.overlayAddress, PORTS.echo], [ADDR.ctl, PORTS.api]].every(([dest, port]) => denied.some((d) => seen(d, dest as string, port as number)));
    }, 30_000, 'denied attempts reported for every probe');
  });

  test('a resource cannot open a connection toward a client', async () => {
    const alice = (await sessions()).find((s) => s.username === 'alice')!;
    await sys.topo.exec('r1', 'ip', ['route', 'replace', '100.64.0.0/10', 'via', ADDR.gwLan]);
    assert.equal(await tcpConnect(sys.topo, 'r1', alice.overlayAddress, 22), 'timeout');
    await sys.topo.exec('r1', 'ip', ['route', 'del', '100.64.0.0/10']);
    // Visible too: a denied attempt from the resource toward alice's address. It is not
    // attributed to her session (she did not make it, and must not be revoked for it).
    await eventually(async () => {
      const { denied } = await sys.wicketctlJson<{ denied: { attempt: { sessionId: string; source: string; destination: string; port: number } }[] }>(['flows']);
      return denied.some((d) => d.attempt.source === ADDR.r1 && d.attempt.destination === alice.overlayAddress && d.attempt.port === 22 && d.attempt.sessionId === '');
    }, 30_000, 'the resource-initiated attempt is reported');
  });

  test('session revoke cuts an established stream, the client says why, the gateway acked it', async () => {
    const stream = await openStream('c1');
    const alice = (await sessions()).find((s) => s.username === 'alice')!;
    const t0 = Date.now();
    await sys.wicketctl(['session', 'revoke', alice.id, '--reason', 'e2e test']);
    await assertCut(stream, t0, 'session revoke');
    await eventually(async () => (await status('c1', 'alice')).session?.state === 'revoked', 10_000, 'client notices the revocation');
    assert.match((await status('c1', 'alice')).session!.endReason, /revoked by admin:admin: e2e test/);
    const ended = (await sessions(true)).find((s) => s.id === alice.id)!;
    assert.equal(ended.state, 'revoked');
    assert.ok(ended.acks.length === 1 && ended.acks[0]!.ackedAtMs > 0, `gateway ack recorded: ${JSON.stringify(ended.acks)}`);
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.r1, PORTS.web), 'error', 'the interface is gone');
  });

  for (const kind of ['user revoke', 'user disable', 'policy apply', 'device block'] as const) {
    test(`${kind} cuts an established stream`, async () => {
      await sys.login('c1', 'alice');
      const up = await sys.up('c1', 'alice', 'a');
      const stream = await openStream('c1');
      const t0 = Date.now();
      if (kind === 'user revoke') await sys.wicketctl(['user', 'revoke', 'alice']);
      if (kind === 'user disable') await sys.wicketctl(['user', 'disable', 'alice']);
      if (kind === 'policy apply') await sys.applyPolicy(samplePolicy({ alice: false }));
      if (kind === 'device block') {
        const device = (await sessions()).find((s) => s.id === up.session.id)!;
        const dev = await sys.wicketctlJson<{ id: string; username: string }[]>(['device', 'list']);
        const id = dev.find((d) => d.username === 'alice' && (device as unknown as { deviceId: string }).deviceId === d.id)!.id;
        await sys.wicketctl(['device', 'block', id]);
      }
      await assertCut(stream, t0, kind);
      await eventually(async () => (await status('c1', 'alice')).session?.state !== 'active', 10_000, 'client notices');
      const ended = (await sessions(true)).find((s) => s.id === up.session.id)!;
      assert.notEqual(ended.state, 'active');
      assert.ok(ended.endReason.length > 0);
      // Undo, for the next case.
      if (kind === 'user disable') await sys.wicketctl(['user', 'enable', 'alice']);
      if (kind === 'policy apply') await sys.applyPolicy(samplePolicy());
    });
  }

  test('a session ends on time with the gateway agent killed', async () => {
    // A fresh device (the previous one is blocked) and a short grant TTL.
    await sys.applyPolicy(samplePolicy({ aliceTtl: '12s' }));
    await sys.login('c2', 'alice');
    const up = await sys.up('c2', 'alice', 'c');
    const created = Date.now();
    const stream = await openStream('c2');
    await sys.gateway!.stop('SIGKILL');
    await stream.waitForEchoes(stream.echoes + 10, 5000); // still flowing without the agent
    await eventually(() => stream.exited || Date.now() - stream.lastEchoAt > 1000, 30_000, 'stream cut at expiry');
    const cutAfter = stream.lastEchoAt - created;
    assert.ok(cutAfter < 14_000, `access lasted ${cutAfter} ms of a 12 s TTL`);
    stream.stop();
    await sys.startGateway();
    await sys.applyPolicy(samplePolicy());
    await eventually(async () => (await sessions(true)).find((s) => s.id === up.session.id)?.state === 'expired', 20_000, 'controller marks it expired');
  });

  test('a device whose posture no longer satisfies a grant loses that grant, and only that one', async () => {
    // alice gets the database only from a managed (disk-encrypted) device.
    await sys.applyPolicy(samplePolicy().replace('  - name: dba-database\n    to: [group:dba]', '  - name: dba-database\n    to: [group:dba, alice]\n    require: { posture: [managed] }')
      .replace('resources:\n', 'postures:\n  managed: { disk_encryption: true }\nresources:\n'));
    const postureFile = join(sys.dir, 'posture.json');
    writeFileSync(postureFile, JSON.stringify({ diskEncryption: 'true' }));
    await sys.login('c2', 'alice');
    await sys.wicket('c2', 'alice', ['down']).catch(() => '');
    await sys.up('c2', 'alice', 'e', { WICKET_POSTURE_FILE: postureFile });
    const db = await startStream(sys.topo, 'c2', ADDR.r2, PORTS.dbEcho, 20);
    await db.waitForEchoes(5, 10_000);
    const t0 = Date.now();
    writeFileSync(postureFile, JSON.stringify({ diskEncryption: 'false' }));
    await assertCut(db, t0, 'posture change');
    assert.ok(await probeTcp(sys.topo, 'c2', ADDR.r1, PORTS.web), 'the grant without a posture requirement stays');
    const live = (await sessions()).find((s) => s.username === 'alice')!;
    assert.equal(live.state, 'active');
    await sys.applyPolicy(samplePolicy());
    await sys.wicket('c2', 'alice', ['down']);
  });

  test('with the controller stopped, a live session keeps working and a new one fails clearly', async () => {
    await sys.login('c2', 'alice');
    await sys.up('c2', 'alice', 'f');
    await sys.login('c1', 'bob');
    const stream = await openStream('c2');
    await sys.controller!.stop('SIGTERM');
    await stream.waitForEchoes(stream.echoes + 25, 5000);
    assert.ok(await probeTcp(sys.topo, 'c2', ADDR.r1, PORTS.web), 'the session still works');
    await assert.rejects(sys.up('c1', 'bob', 'g'), /cannot be reached|UNAVAILABLE|ECONNREFUSED/);
    stream.stop();
    await sys.startController(['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s']);
    await sys.waitGatewayConnected('dc1', true);
    assert.ok(await probeTcp(sys.topo, 'c2', ADDR.r1, PORTS.web), 'still working after the controller returns');
    await sys.wicket('c2', 'alice', ['down']);
  });

  test('wicket config --wg-quick works with plain WireGuard tools', async () => {
    await sys.login('c2', 'alice');
    await sys.wicket('c2', 'alice', ['down']).catch(() => '');
    const up = await sys.up('c2', 'alice', 'd');
    const conf = await sys.wicket('c2', 'alice', ['config', '--wg-quick']);
    assert.match(conf, /\[Interface\][\s\S]*PrivateKey = [\s\S]*\[Peer\]/);
    const file = join(sys.dir, 'alice.conf');
    writeFileSync(file, conf, { mode: 0o600 });
    const stripped = await sys.topo.exec('c2', 'wg-quick', ['strip', file]);
    // Use the session from a plain wireguard-go interface on c1 (the gateway follows the
    // peer's new endpoint, as WireGuard does).
    assert.ok(up.session.id);
    const plain = sys.topo.ifname('p');
    await sys.topo.exec('c1', 'wireguard-go', [plain]);
    const strippedFile = join(sys.dir, 'alice-stripped.conf');
    writeFileSync(strippedFile, stripped, { mode: 0o600 });
    await sys.topo.exec('c1', 'wg', ['setconf', plain, strippedFile]);
    const address = /Address\s*=\s*([0-9.]+)/.exec(conf)![1]!;
    await sys.topo.exec('c1', 'ip', ['addr', 'add', `${address}/32`, 'dev', plain]);
    await sys.topo.exec('c1', 'ip', ['link', 'set', plain, 'up']);
    await sys.topo.exec('c1', 'ip', ['route', 'replace', `${ADDR.r1}/32`, 'dev', plain]);
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web, 5000), 'reaches the web app through a plain wg interface');
    await sys.topo.exec('c1', 'ip', ['link', 'del', plain]);
  });
});
