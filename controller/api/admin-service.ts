// The Admin service, assembled from per-domain handler objects (controller/api/admin/*.ts).
// Methods no object implements answer UNIMPLEMENTED (grpc-js default).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { ControllerContext } from './context.js';
import { userAdmin } from './admin/users.js';
import { gatewayAdmin } from './admin/gateways.js';
import { policyAdmin } from './admin/policy.js';
import { auditAdmin } from './admin/audit.js';
import { adminCredentialAdmin } from './admin/admin-credentials.js';
import { userLinkAdmin } from './admin/user-links.js';
import type { SsoLogins } from '../sso/device-login.js';

export function adminService(ctx: ControllerContext, sso: SsoLogins | undefined, extras: Partial<AdminHandlers>[] = []): Partial<AdminHandlers> {
  return Object.assign({}, userAdmin(ctx), userLinkAdmin(ctx, sso), adminCredentialAdmin(ctx), gatewayAdmin(ctx), policyAdmin(ctx), auditAdmin(ctx), ...extras);
}
