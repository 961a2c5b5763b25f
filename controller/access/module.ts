// Wires just-in-time access into a running controller: the access manager, its Client and
// Admin handlers. The session module calls this with the applied policy and its
// `reevaluateUser`, so an approval, revocation or expiry reaches the requester's live
// sessions (gateways and the client's Watch) at once.
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { InternalErrorReporter } from '../internal-errors.js';
import type { HandlerDeps } from '../api/handler.js';
import type { ClientHandlers } from '../../proto/generated/wicket/v1/Client.js';
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { Policy } from '../policy/index.js';
import { accessClientService } from './client-handlers.js';
import { accessAdmin } from './admin-handlers.js';
import { AccessManager, type AccessDeps } from './access.js';

export interface AccessLayer {
  manager: AccessManager;
  client: Pick<ClientHandlers, 'RequestAccess' | 'ListMyAccessRequests'>;
  admin: Partial<AdminHandlers>;
  close(): void;
}

export interface AccessLayerDeps extends HandlerDeps {
  store: Store;
  audit: Audit;
  now: () => number;
  reportInternal: InternalErrorReporter;
}

export function accessLayer(ctx: AccessLayerDeps, deps: { policy: () => Policy | undefined; reevaluateUser: AccessDeps['reevaluateUser'] }): AccessLayer {
  const manager = new AccessManager({
    store: ctx.store, audit: ctx.audit, policy: deps.policy, reevaluateUser: deps.reevaluateUser,
    log: ctx.log.child({ module: 'access' }), now: ctx.now, reportInternal: ctx.reportInternal,
  });
  // Expiry of what ran out while the controller was down: an error is reported, as the timer's are.
  void manager.start().catch((err: unknown) => ctx.reportInternal('access.expiry', err));
  return { manager, client: accessClientService(ctx, manager), admin: accessAdmin(ctx, manager), close: () => manager.stop() };
}
