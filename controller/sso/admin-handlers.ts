// Admin handler linking an identity provider's subject to a Wicket user (`wicketctl user
// link`). Single sign-on links an existing account by itself only when it is an SSO account
// and the provider verified the e-mail address; admins and password accounts are reached
// through SSO only after this explicit link (docs/sso.md).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import { adminActor } from '../api/authz.js';
import { unary, type HandlerDeps } from '../api/handler.js';
import { alreadyExists, failedPrecondition, notFound } from '../errors.js';
import type { SsoLogins } from './device-login.js';

/** `sso` is the controller's single sign-on; undefined when no identity provider is configured. */
export interface UserLinkAdminDeps extends HandlerDeps {
  store: Store;
  audit: Audit;
}

export function userLinkAdmin(ctx: UserLinkAdminDeps, sso: SsoLogins | undefined): Pick<AdminHandlers, 'LinkUser'> {
  return {
    LinkUser: unary(ctx.log, { method: 'Admin.LinkUser', caller: (call) => adminActor(ctx.authorize, call), request: 'LinkUserRequest' }, async (req, actor) => {
      if (!sso?.hasProvider(req.provider)) throw failedPrecondition(`no identity provider ${req.provider} is configured (wicket-controller start --oidc-config)`);
      await ctx.store.transaction(async (tx) => {
        if (!(await tx.users.get(req.name))) throw notFound(`no user ${req.name}`);
        const bySubject = await tx.sso.identity(req.provider, req.subject);
        if (bySubject && bySubject.user !== req.name) throw alreadyExists(`${req.provider} subject ${req.subject} is already linked to user ${bySubject.user}`);
        const byUser = await tx.sso.identityOfUser(req.name, req.provider);
        if (byUser && byUser.subject !== req.subject) throw alreadyExists(`user ${req.name} is already linked to another ${req.provider} subject`);
        if (bySubject) return;
        await tx.sso.link(req.provider, req.subject, req.name);
        await ctx.audit.append(tx, { actor, action: 'user.link', target: req.name, details: { provider: req.provider, subject: req.subject } });
      });
      return {};
    }),
  };
}
