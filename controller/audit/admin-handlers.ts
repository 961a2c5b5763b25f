// Admin handlers for the audit log: list records and verify the hash chain against its
// signed head (the head file, or one the caller shipped elsewhere earlier).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { Audit } from './audit.js';
import { adminActor } from '../api/authz.js';
import { unary, type HandlerDeps } from '../api/handler.js';
import { invalidArgument } from '../errors.js';
import { parseHead } from './head.js';

export interface AuditAdminDeps extends HandlerDeps {
  audit: Audit;
}

export function auditAdmin(ctx: AuditAdminDeps): Pick<AdminHandlers, 'ListAudit' | 'VerifyAudit'> {
  return {
    ListAudit: unary(ctx.log, { method: 'Admin.ListAudit', caller: (call) => adminActor(ctx.authorize, call), request: 'ListAuditRequest' }, async (req) => {
      return { records: await ctx.audit.list(req.afterId, req.limit || 1000, req.actionPrefix, { newestFirst: req.newestFirst, beforeId: req.beforeId }) };
    }),

    VerifyAudit: unary(ctx.log, { method: 'Admin.VerifyAudit', caller: (call) => adminActor(ctx.authorize, call), request: 'VerifyAuditRequest' }, async (req) => {
      let head;
      try {
        head = req.head ? parseHead(req.head) : undefined;
      } catch (err) {
        throw invalidArgument(`head: ${(err as Error).message}`);
      }
      return await ctx.audit.verify(head);
    }),
  };
}
