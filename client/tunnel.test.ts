// The client tunnel against real WireGuard (kernel or wireguard-go) in a throw-away network
// namespace: IPv4 and IPv6 addresses, peers with only the entitled AllowedIPs, routes for those only, a live
// update, and removal. Needs root and the tools; skipped (and says so) without them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import { runTool } from '../common/exec.js';
import { parseGateways, planTunnel, type GatewayPeer } from './plan.js';
import { routeCommands, systemTunnel } from './tunnel.js';

test('route commands: replace with the overlay source, delete by device', () => {
  assert.deepEqual(routeCommands('wk0', { ipv4: '100.64.0.2', ipv6: 'fd6b:7769:636b::2' }, ['10.0.0.0/24', 'fd00::/64'], ['10.9.0.1/32']), [
    'route replace 10.0.0.0/24 dev wk0 src 100.64.0.2',
    'route replace fd00::/64 dev wk0 src fd6b:7769:636b::2',
    'route del 10.9.0.1/32 dev wk0',
  ]);
});

const missing = ['ip', 'wg', 'wireguard-go'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length ? `missing ${missing.join(', ')}` : false;

test('a real interface gets the overlay address, split-tunnel peers and routes, updates and goes', { skip }, async () => {
  const id = randomBytes(3).toString('hex');
  const ns = `wkct-${id}`;
  const ifname = `wkc${id}`;
  const tunnel = systemTunnel({ netns: ns });
  await runTool('ip', ['netns', 'add', ns]);
  try {
    const gw = (allowedIps: string[]): GatewayPeer[] => parseGateways([{
      gateway: 'dc1', endpoint: '198.18.0.2:51820', publicKey: GW, presharedKey: generatePresharedKey(), allowedIps, standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true,
    }]);
    const GW = publicKeyOf(generatePrivateKey());
    const first = planTunnel(gw(['10.20.0.10', '10.20.1.0/24', 'fd20::10']));
    const priv = generatePrivateKey();
    const overlay = { ipv4: '100.64.9.2', ipv6: 'fd6b:7769:636b::9:2' };
    await tunnel.create(ifname, priv, overlay, first);
    const addr = await runTool('ip', ['-o', 'addr', 'show', 'dev', ifname], { netns: ns });
    assert.match(addr, /inet 100\.64\.9\.2\/32/);
    assert.match(addr, /inet6 fd6b:7769:636b::9:2\/128/);
    const routes = async () => (await runTool('ip', ['-4', 'route', 'show', 'dev', ifname], { netns: ns }))
      .split('\n').filter(Boolean).map((l) => l.split(' ')[0]).sort();
    assert.deepEqual(await routes(), ['10.20.0.10', '10.20.1.0/24']);
    const routes6 = await runTool('ip', ['-6', 'route', 'show', 'dev', ifname], { netns: ns });
    assert.match(routes6, /^fd20::10 .*src fd6b:7769:636b::9:2/m);
    let stats = await tunnel.stats(ifname);
    assert.equal(stats.publicKey, publicKeyOf(priv));
    assert.deepEqual(stats.peers.map((p) => [p.publicKey, [...p.allowedIps].sort()]), [[GW, ['10.20.0.10/32', '10.20.1.0/24', 'fd20::10/128']]]);

    const listenPort = stats.listenPort;
    const GW2 = publicKeyOf(generatePrivateKey());
    const second = planTunnel([...gw(['10.20.1.0/24', '10.30.0.5']), ...parseGateways([{
      gateway: 'dc2', endpoint: '198.18.1.2:51820', publicKey: GW2, presharedKey: generatePresharedKey(), allowedIps: ['10.40.0.0/16'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true,
    }])]);
    await tunnel.update(ifname, overlay, second, first.routes);
    assert.deepEqual(await routes(), ['10.20.1.0/24', '10.30.0.5', '10.40.0.0/16']);
    stats = await tunnel.stats(ifname);
    // The interface keeps its identity and port: a live update must not cut the session.
    assert.equal(stats.publicKey, publicKeyOf(priv));
    assert.equal(stats.listenPort, listenPort);
    assert.deepEqual(stats.peers.map((p) => [p.publicKey, [...p.allowedIps].sort()]).sort(),
      [[GW, ['10.20.1.0/24', '10.30.0.5/32']], [GW2, ['10.40.0.0/16']]].sort());

    // A gateway that is no longer listed loses its peer and routes.
    const third = planTunnel(gw(['10.20.1.0/24']));
    await tunnel.update(ifname, overlay, third, second.routes);
    assert.deepEqual(await routes(), ['10.20.1.0/24']);
    assert.deepEqual((await tunnel.stats(ifname)).peers.map((p) => p.publicKey), [GW]);

    await tunnel.destroy(ifname);
    await assert.rejects(runTool('ip', ['link', 'show', 'dev', ifname], { netns: ns }));
  } finally {
    await tunnel.destroy(ifname).catch(() => undefined);
    await runTool('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
});
