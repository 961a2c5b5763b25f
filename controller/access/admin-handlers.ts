// Admin handlers for just-in-time access: list requests, approve, deny, revoke. Approvers act
// with their admin certificate: its name is the approving user, who must be among the grant's
// approvers and never the requester (checked in controller/access/rules.ts).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { AccessManager } from './access.js';
import { unary, type HandlerDeps } from '../api/handler.js';

export function accessAdmin(ctx: HandlerDeps, access: AccessManager): Pick<AdminHandlers, 'ListAccessRequests' | 'ApproveAccess' | 'DenyAccess' | 'RevokeAccess'> {
  const admin = async (call: Parameters<typeof ctx.authorize>[0]) => (await ctx.authorize(call, 'admin')).name;
  return {
    ListAccessRequests: unary(ctx.log, { method: 'Admin.ListAccessRequests', caller: admin, request: 'ListAccessRequestsRequest' }, async (req) => {
      return { requests: await access.list({ pending: req.pending, user: req.user }) };
    }),

    ApproveAccess: unary(ctx.log, { method: 'Admin.ApproveAccess', caller: admin, request: 'ApproveAccessRequest' }, (req, name) => {
      return access.approve(`admin:${name}`, name, req.id, req.durationMs, req.reason);
    }),

    DenyAccess: unary(ctx.log, { method: 'Admin.DenyAccess', caller: admin, request: 'DenyAccessRequest' }, (req, name) => {
      return access.deny(`admin:${name}`, name, req.id, req.reason);
    }),

    RevokeAccess: unary(ctx.log, { method: 'Admin.RevokeAccess', caller: admin, request: 'RevokeAccessRequest' }, (req, name) => {
      return access.revoke(`admin:${name}`, req.id, req.reason);
    }),
  };
}
