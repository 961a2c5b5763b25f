// Admin handlers for users: add (with a fresh TOTP secret), list, disable/enable (through
// controller/revocation/), set groups (then the user's live sessions are decided again).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { User__Output as User } from '../../proto/generated/wicket/v1/User.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { MasterKey } from '../crypto/masterkey.js';
import type { Revocation } from '../revocation/revocation.js';
import { adminActor } from '../api/authz.js';
import { unary, type HandlerDeps } from '../api/handler.js';
import { alreadyExists, notFound } from '../errors.js';
import { hashPassword } from '../auth/password.js';
import { newTotpSecret, otpauthUri } from '../auth/totp.js';
import { totpAad } from '../auth/login.js';

export interface UserAdminDeps extends HandlerDeps {
  store: Store;
  audit: Audit;
  masterKey: MasterKey;
  revocation: Pick<Revocation, 'setUserDisabled' | 'userChanged'>;
  now: () => number;
}

export function userAdmin(ctx: UserAdminDeps): Pick<AdminHandlers, 'AddUser' | 'ListUsers' | 'SetUserDisabled' | 'SetUserGroups'> {
  const view = (name: string): User => {
    const user = ctx.store.users.view(name);
    if (!user) throw notFound(`no user ${name}`);
    return user;
  };

  return {
    AddUser: unary(ctx.log, { method: 'Admin.AddUser', caller: (call) => adminActor(ctx.authorize, call), request: 'AddUserRequest' }, async (req, actor) => {
      if (ctx.store.users.get(req.name)) throw alreadyExists(`user ${req.name} already exists`);
      const passwordHash = req.password ? await hashPassword(req.password) : null;
      const secret = newTotpSecret();
      const groups = [...new Set(req.groups)].sort();
      const added = ctx.store.transaction(() => {
        const ok = ctx.store.users.add({ name: req.name, passwordHash, totpSealed: ctx.masterKey.seal(secret, totpAad(req.name)), admin: req.admin, createdAtMs: ctx.now() }, groups);
        if (ok) ctx.audit.append({ actor, action: 'user.add', target: req.name, details: { groups, admin: req.admin, password_set: passwordHash !== null } });
        return ok;
      });
      // Another AddUser may have won the race while the password was being hashed.
      if (!added) throw alreadyExists(`user ${req.name} already exists`);
      return { name: req.name, totpSecret: secret, otpauthUri: otpauthUri(req.name, secret) };
    }),

    ListUsers: unary(ctx.log, { method: 'Admin.ListUsers', caller: (call) => adminActor(ctx.authorize, call), request: 'ListUsersRequest' }, () => {
      return { users: ctx.store.users.list() };
    }),

    SetUserDisabled: unary(ctx.log, { method: 'Admin.SetUserDisabled', caller: (call) => adminActor(ctx.authorize, call), request: 'SetUserDisabledRequest' }, (req, actor) => {
      ctx.revocation.setUserDisabled(req.name, req.disabled, actor);
      return view(req.name);
    }),

    SetUserGroups: unary(ctx.log, { method: 'Admin.SetUserGroups', caller: (call) => adminActor(ctx.authorize, call), request: 'SetUserGroupsRequest' }, (req, actor) => {
      const groups = [...new Set(req.groups)].sort();
      const changed = ctx.store.transaction(() => {
        const before = ctx.store.users.groupsOf(req.name);
        if (!ctx.store.users.setGroups(req.name, groups)) return false;
        ctx.audit.append({ actor, action: 'user.groups', target: req.name, details: { before, after: groups } });
        return true;
      });
      if (!changed) throw notFound(`no user ${req.name}`);
      ctx.revocation.userChanged(req.name, 'groups', actor);
      return view(req.name);
    }),
  };
}
