// Two controllers on one PostgreSQL, for the controller high-availability suites and the
// two-controller benchmark: the bring-up (controller a on host ctl, b on host ctl2, the
// gateway and its enrollment given the list a,b) and who holds what according to
// `wicketctl controller list`, whose rows name controllers by a random id per start: each
// controller is asked for its own id (the row marked `self`), so a restarted one is known again.
// Loops that ask often read the controllers' own logs instead (`gatewayHoldersByLog`): a row
// is as old as its controller's last heartbeat, and every wicketctl call is a process.
import { samplePolicy, type ControllerName, type Service, type WicketSystem } from './system.js';

/** A row of `wicketctl controller list --json`. */
export interface ControllerRow {
  id: string;
  self: boolean;
  alive: boolean;
  stoppedAtMs: number;
  heartbeatAtMs: number;
  clients: number;
  gateways: string[];
}

/**
 * Brings `sys` (created with `secondController`, WICKET_DATABASE_URL set, so the caller's
 * cleanup covers a failed step) to: resources, controllers a and b started with
 * `controllerFlags` on the same database, users alice and bob, the sample policy, gateway
 * dc1 enrolled and running with the controller list a,b (so it holds its Sync stream on a).
 * b starts once the policy is applied through a, as a controller added to a running network
 * does: it reads the policy when it starts, so that what it decides does not depend on an
 * apply made on another controller reaching it (a test of its own).
 */
export async function startTwoControllers(sys: WicketSystem, controllerFlags: string[]): Promise<void> {
  await sys.startResources();
  await sys.initController();
  await sys.startController(controllerFlags, 'a');
  await sys.addUser('alice');
  await sys.addUser('bob');
  await sys.applyPolicy(samplePolicy());
  await sys.startController(controllerFlags, 'b');
  await sys.enrollGateway('dc1', 'gw', ['a', 'b']);
  await sys.startGateway('dc1', [], 'gw', ['a', 'b']);
}

/** The registry's ids of the controller processes seen so far (a restart is a new Service and a new id). */
const ids = new WeakMap<Service, string>();

/** The controller list as controller `via` sees it (its own row refreshed by the call). */
export function controllerRows(sys: WicketSystem, via: ControllerName): Promise<ControllerRow[]> {
  return sys.wicketctlJson<ControllerRow[]>(['controller', 'list'], undefined, [via]);
}

/** The registry id of the running process of controller `name`, asked of it. */
export async function controllerId(sys: WicketSystem, name: ControllerName): Promise<string> {
  const service = sys.controllers.get(name);
  if (!service || service.exited) throw new Error(`controller ${name} is not running`);
  const known = ids.get(service);
  if (known) return known;
  const self = (await controllerRows(sys, name)).find((c) => c.self);
  if (!self) throw new Error(`controller ${name} lists no row of its own`);
  ids.set(service, self.id);
  return self.id;
}

/**
 * The running controllers (by name) whose live row, as controller `via` sees it, says they
 * hold `gateway`'s Sync stream. `via`'s own row is current; another's is as of its last
 * heartbeat (a few seconds at most), so callers poll.
 */
export async function gatewayHolders(sys: WicketSystem, gateway: string, via: ControllerName): Promise<ControllerName[]> {
  const running = [...sys.controllers].filter(([, s]) => !s.exited).map(([name]) => name);
  const byId = new Map<string, ControllerName>();
  for (const name of running) byId.set(await controllerId(sys, name), name);
  const rows = await controllerRows(sys, via);
  return rows.filter((r) => r.alive && r.gateways.includes(gateway) && byId.has(r.id)).map((r) => byId.get(r.id)!).sort();
}

/**
 * The running controllers whose own log says they hold `gateway`'s Sync stream now (their
 * latest "gateway connected" / "gateway disconnected" line for it says connected). Current
 * and free, unlike the registry's rows; for loops that must know at once.
 */
export function gatewayHoldersByLog(sys: WicketSystem, gateway: string): ControllerName[] {
  const holding = ([, service]: [ControllerName, Service]) => {
    for (let i = service.lines.length - 1; i >= 0; i--) {
      const line = service.lines[i]!;
      if (!line.includes(`"gateway":"${gateway}"`)) continue;
      if (line.includes('"msg":"gateway connected"')) return true;
      if (line.includes('"msg":"gateway disconnected"')) return false;
    }
    return false;
  };
  return [...sys.controllers].filter(([, s]) => !s.exited).filter(holding).map(([name]) => name).sort();
}
