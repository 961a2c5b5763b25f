// Admin.ListFlows: flow records and denied attempts reported by gateways, newest first,
// attributed to the user and device of their session, and on request their histogram over
// time and the requests through the gateways' HTTP proxies (not in the histogram: a refused
// request is already there as a denied attempt).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { Store } from '../store/store.js';
import { unary, type HandlerDeps } from '../api/handler.js';
import { RpcError } from '../api/errors.js';

export const DEFAULT_FLOW_LIMIT = 1000;
/** At most this many histogram buckets: one indexed count each, and a chart has no use for more. */
export const MAX_FLOW_BUCKETS = 1000;

export interface FlowsAdminDeps extends HandlerDeps {
  store: Store;
  /** The histogram's last bucket ends now. */
  now: () => number;
}

export function flowsAdmin(ctx: FlowsAdminDeps): Pick<AdminHandlers, 'ListFlows'> {
  return {
    ListFlows: unary(ctx.log, { method: 'Admin.ListFlows', caller: (call) => ctx.authorize(call, 'admin'), request: 'ListFlowsRequest' }, async (req) => {
      const filter = { sessionId: req.sessionId, user: req.user, deviceId: req.deviceId, sinceMs: req.sinceMs, limit: req.limit || DEFAULT_FLOW_LIMIT, offset: req.offset };
      const nowMs = ctx.now();
      if (req.bucketMs > 0 && Math.ceil((nowMs - req.sinceMs) / req.bucketMs) > MAX_FLOW_BUCKETS) {
        throw new RpcError('invalid', `bucket_ms: at most ${MAX_FLOW_BUCKETS} buckets from since_ms to now; raise bucket_ms or since_ms`);
      }
      const { telemetry } = ctx.store;
      const [flows, denied, histogram, httpRequests] = await Promise.all([
        telemetry.flows(filter),
        telemetry.denied(filter),
        req.bucketMs > 0 ? telemetry.histogram(filter, req.bucketMs, nowMs) : [],
        req.http ? telemetry.httpRequests(filter) : [],
      ]);
      return {
        flows: flows.map(({ username, deviceId, gateway, ...flow }) => ({ flow, username, deviceId, gateway })),
        denied: denied.map(({ username, deviceId, gateway, ...attempt }) => ({ attempt, username, deviceId, gateway })),
        histogram,
        httpRequests: httpRequests.map(({ gateway, ...request }) => ({ request, gateway })),
      };
    }),
  };
}
