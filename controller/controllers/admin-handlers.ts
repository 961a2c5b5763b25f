// Admin handler for the registry of controllers: ListControllers, every controller that
// registered in the database, alive or not, with what it held at its last heartbeat.
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { ControllerInfo } from '../../proto/generated/wicket/v1/ControllerInfo.js';
import { adminActor } from '../api/authz.js';
import { unary, type HandlerDeps } from '../api/handler.js';
import { isAlive, type ControllerRegistry } from './registry.js';
import type { ControllerStore } from './controller-store.js';

export interface ControllerAdminDeps extends HandlerDeps {
  store: { controllers: ControllerStore };
  now: () => number;
  /** This controller's entry: its id marks `self`, and it is refreshed before the answer. */
  controllerRegistry: Pick<ControllerRegistry, 'id' | 'beat'>;
}

export function controllerAdmin(ctx: ControllerAdminDeps): Pick<AdminHandlers, 'ListControllers'> {
  return {
    ListControllers: unary(ctx.log, { method: 'Admin.ListControllers', caller: (call) => adminActor(ctx.authorize, call), request: 'ListControllersRequest' }, async () => {
      // This controller's own row says what it holds now rather than at its last heartbeat
      // (beat never rejects: a failed write is reported and the stored row is shown).
      await ctx.controllerRegistry.beat();
      const now = ctx.now();
      const controllers: ControllerInfo[] = (await ctx.store.controllers.list()).map((c) => ({
        id: c.id, hostname: c.hostname, apiAddress: c.apiAddress, authAddress: c.authAddress,
        startedAtMs: c.startedAtMs, heartbeatAtMs: c.heartbeatAtMs, alive: isAlive(c, now), stoppedAtMs: c.stoppedAtMs ?? 0,
        gateways: c.gateways, clients: c.clients, self: c.id === ctx.controllerRegistry.id,
      }));
      return { controllers };
    }),
  };
}
