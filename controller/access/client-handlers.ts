// The worker's side of just-in-time access on the Client service (user-device certificate):
// request a resource for a while, and list one's own requests. The rules are in
// controller/access/; this file authorizes, validates and adapts to grpc-js.
import type { ClientHandlers } from '../../proto/generated/wicket/v1/Client.js';
import type { AccessManager } from './access.js';
import { unary, type HandlerDeps } from '../api/handler.js';

export function accessClientService(ctx: HandlerDeps, access: AccessManager): Pick<ClientHandlers, 'RequestAccess' | 'ListMyAccessRequests'> {
  const user = async (call: Parameters<typeof ctx.authorize>[0]) => (await ctx.authorize(call, 'user')).name;
  return {
    RequestAccess: unary(ctx.log, { method: 'Client.RequestAccess', caller: user, request: 'RequestAccessRequest' }, (req, who) => {
      return access.request({ user: who, resource: req.resource, grant: req.grant, durationMs: req.durationMs, reason: req.reason });
    }),

    ListMyAccessRequests: unary(ctx.log, { method: 'Client.ListMyAccessRequests', caller: user, request: 'ListMyAccessRequestsRequest' }, async (_req, who) => {
      return { requests: await access.list({ user: who }) };
    }),
  };
}
