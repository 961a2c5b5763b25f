// One resource behind two gateways, for the redundancy suite and the failover benchmark: the
// bring-up (dc1a on host gw, dc1b on host gw2, both on the WAN and the resource LAN), cutting
// and restoring a gateway host's WAN link, and which gateway a connection came through (the
// gateways masquerade, so the resource sees the LAN address of the one that forwarded).
import { ADDR, startServer, type Program } from './index.js';
import type { WicketSystem } from './system.js';

/** The echo port of the resource (r1) both gateways serve. */
export const REDUNDANT_PORT = 7000;

/** Each gateway's host and LAN address. */
export const REDUNDANT_GATEWAYS = {
  dc1a: { host: 'gw', lan: ADDR.gwLan },
  dc1b: { host: 'gw2', lan: ADDR.gw2Lan },
} as const;

export type RedundantGateway = keyof typeof REDUNDANT_GATEWAYS;

/** alice's grant to r1's echo port, primary dc1a, standby dc1b. */
export const REDUNDANT_POLICY = `gateways: [dc1a, dc1b]
resources:
  webapp: { address: ${ADDR.r1}, ports: [tcp/${REDUNDANT_PORT}], gateway: [dc1a, dc1b] }
grants:
  - name: alice-webapp
    to: [alice]
    resources: [webapp]
`;

/**
 * Brings `sys` (created with `secondGateway`, so the caller's cleanup covers a failed step) to
 * both gateways running and synced with the redundant policy, user alice added; returns the
 * echo server on r1 (its `accepted` events name the gateway each connection came through).
 */
export async function startRedundantSystem(sys: WicketSystem, controllerFlags: string[] = [], gatewayFlags: string[] = []): Promise<Program> {
  const echo = await startServer(sys.topo, 'r1', 'tcp-echo', REDUNDANT_PORT);
  sys.servers.push(echo);
  await sys.initController();
  await sys.startController(controllerFlags);
  await sys.addUser('alice');
  await sys.applyPolicy(REDUNDANT_POLICY);
  for (const [name, g] of Object.entries(REDUNDANT_GATEWAYS)) await sys.enrollGateway(name, g.host);
  for (const [name, g] of Object.entries(REDUNDANT_GATEWAYS)) await sys.startGateway(name, gatewayFlags, g.host);
  return echo;
}

/** Cuts (or restores) a gateway host's WAN link: clients and the controller lose it at once. */
export async function setGatewayWan(sys: WicketSystem, gateway: RedundantGateway, up: boolean): Promise<void> {
  await sys.topo.exec(REDUNDANT_GATEWAYS[gateway].host, 'ip', ['link', 'set', 'eth0', up ? 'up' : 'down']);
}

/** The gateways the echo server's connections came through, from its event `since` on. */
export function acceptedVia(echo: Program, since = 0): (RedundantGateway | string)[] {
  const byLan = new Map<string, RedundantGateway>(Object.entries(REDUNDANT_GATEWAYS).map(([name, g]) => [g.lan, name as RedundantGateway]));
  return echo.events.slice(since).flatMap((e) => (typeof e.accepted === 'string' ? [byLan.get(e.accepted) ?? e.accepted] : []));
}
