// Admin handlers for the bootstrap admin credentials (`init` and `wicket-controller
// admin-credentials` write them to DATA_DIR/admin/): list them, and revoke one. They are
// the certificates recorded as kind `admin`; admin users' login certificates are not.
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { AdminCredential__Output as AdminCredential } from '../../proto/generated/wicket/v1/AdminCredential.js';
import type { CertificateRecord } from '../store/certificates.js';
import type { Store } from '../store/store.js';
import type { Revocation } from '../revocation/revocation.js';
import { adminActor } from '../api/authz.js';
import { unary, type HandlerDeps } from '../api/handler.js';

const view = (c: CertificateRecord): AdminCredential => ({
  serial: c.serial, name: c.subject, issuedAtMs: c.issuedAtMs, notAfterMs: c.notAfterMs, revokedAtMs: c.revokedAtMs ?? 0,
});

export interface AdminCredentialDeps extends HandlerDeps {
  store: Store;
  revocation: Pick<Revocation, 'revokeAdminCredential'>;
}

export function adminCredentialAdmin(ctx: AdminCredentialDeps): Pick<AdminHandlers, 'ListAdminCredentials' | 'RevokeAdminCredential'> {
  return {
    ListAdminCredentials: unary(ctx.log, { method: 'Admin.ListAdminCredentials', caller: (call) => adminActor(ctx.authorize, call), request: 'ListAdminCredentialsRequest' }, async () => {
      return { credentials: (await ctx.store.certificates.ofKind('admin')).map(view) };
    }),

    RevokeAdminCredential: unary(ctx.log, { method: 'Admin.RevokeAdminCredential', caller: (call) => adminActor(ctx.authorize, call), request: 'RevokeAdminCredentialRequest' }, async (req, actor) => {
      return view(await ctx.revocation.revokeAdminCredential(req.serial, actor));
    }),
  };
}
