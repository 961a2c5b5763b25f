// Admin handlers for the bootstrap admin credentials (`init` and `wicket-controller
// admin-credentials` write them to DATA_DIR/admin/): list them, and revoke one. They are
// the certificates recorded as kind `admin`; admin users' login certificates are not.
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { AdminCredential__Output as AdminCredential } from '../../proto/generated/wicket/v1/AdminCredential.js';
import type { CertificateRecord } from '../store/certificates.js';
import type { ControllerContext } from '../api/context.js';
import { adminActor } from '../api/authz.js';
import { unary } from '../api/errors.js';
import { validate } from '../api/validate.js';

const view = (c: CertificateRecord): AdminCredential => ({
  serial: c.serial, name: c.subject, issuedAtMs: c.issuedAtMs, notAfterMs: c.notAfterMs, revokedAtMs: c.revokedAtMs ?? 0,
});

export function adminCredentialAdmin(ctx: ControllerContext): Pick<AdminHandlers, 'ListAdminCredentials' | 'RevokeAdminCredential'> {
  return {
    ListAdminCredentials: unary(ctx.log, 'Admin.ListAdminCredentials', (call) => {
      adminActor(ctx.authorize, call);
      validate('ListAdminCredentialsRequest', call.request);
      return { credentials: ctx.store.certificates.ofKind('admin').map(view) };
    }),

    RevokeAdminCredential: unary(ctx.log, 'Admin.RevokeAdminCredential', (call) => {
      const actor = adminActor(ctx.authorize, call);
      const req = validate('RevokeAdminCredentialRequest', call.request);
      return view(ctx.revocation.revokeAdminCredential(req.serial, actor));
    }),
  };
}
