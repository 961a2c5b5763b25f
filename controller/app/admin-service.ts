// The Admin service, assembled from the handler objects each feature owns (its
// admin-handlers.ts) plus those the feature modules contribute.
// Methods no object implements answer UNIMPLEMENTED (grpc-js default).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { ControllerContext } from './context.js';
import { userAdmin } from '../users/admin-handlers.js';
import { gatewayAdmin } from '../gateways/admin-handlers.js';
import { controllerAdmin } from '../controllers/admin-handlers.js';
import { policyAdmin } from '../policy-admin/admin-handlers.js';
import { auditAdmin } from '../audit/admin-handlers.js';
import { adminCredentialAdmin } from '../auth/admin-credential-handlers.js';
import { userLinkAdmin } from '../sso/admin-handlers.js';
import type { SsoLogins } from '../sso/device-login.js';

export function adminService(ctx: ControllerContext, sso: SsoLogins | undefined, extras: Partial<AdminHandlers>[] = []): Partial<AdminHandlers> {
  return Object.assign({}, userAdmin(ctx), userLinkAdmin(ctx, sso), adminCredentialAdmin(ctx), gatewayAdmin(ctx), controllerAdmin(ctx), policyAdmin(ctx), auditAdmin(ctx), ...extras);
}
