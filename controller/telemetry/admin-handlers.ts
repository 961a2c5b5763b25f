// Admin.ListFlows: flow records and denied attempts reported by gateways, newest first,
// attributed to the user and device of their session.
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { Store } from '../store/store.js';
import { unary, type HandlerDeps } from '../api/handler.js';

export const DEFAULT_FLOW_LIMIT = 1000;

export interface FlowsAdminDeps extends HandlerDeps {
  store: Store;
}

export function flowsAdmin(ctx: FlowsAdminDeps): Pick<AdminHandlers, 'ListFlows'> {
  return {
    ListFlows: unary(ctx.log, { method: 'Admin.ListFlows', caller: (call) => ctx.authorize(call, 'admin'), request: 'ListFlowsRequest' }, (req) => {
      const filter = { sessionId: req.sessionId, user: req.user, sinceMs: req.sinceMs, limit: req.limit || DEFAULT_FLOW_LIMIT };
      return {
        flows: ctx.store.telemetry.flows(filter).map(({ username, deviceId, gateway, ...flow }) => ({ flow, username, deviceId, gateway })),
        denied: ctx.store.telemetry.denied(filter).map(({ username, deviceId, gateway, ...attempt }) => ({ attempt, username, deviceId, gateway })),
      };
    }),
  };
}
