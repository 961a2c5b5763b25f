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
  const view = async (name: string): Promise<User> => {
    const user = await ctx.store.users.view(name);
    if (!user) throw notFound(`no user ${name}`);
    return user;
  };

  return {
    AddUser: unary(ctx.log, { method: 'Admin.AddUser', caller: (call) => adminActor(ctx.authorize, call), request: 'AddUserRequest' }, async (req, actor) => {
      if (await ctx.store.users.get(req.name)) throw alreadyExists(`user ${req.name} already exists`);
      const passwordHash = req.password ? await hashPassword(req.password) : null;
      const secret = newTotpSecret();
      const groups = [...new Set(req.groups)].sort();
      const totpSealed = ctx.masterKey.seal(secret, totpAad(req.name));
      const added = await ctx.store.transaction(async (tx) => {
        const ok = await tx.users.add({ name: req.name, passwordHash, totpSealed, admin: req.admin, createdAtMs: ctx.now() }, groups);
        if (ok) await ctx.audit.append(tx, { actor, action: 'user.add', target: req.name, details: { groups, admin: req.admin, password_set: passwordHash !== null } });
        return ok;
      });
      // Another AddUser may have won the race while the password was being hashed.
      if (!added) throw alreadyExists(`user ${req.name} already exists`);
      return { name: req.name, totpSecret: secret, otpauthUri: otpauthUri(req.name, secret) };
    }),

    ListUsers: unary(ctx.log, { method: 'Admin.ListUsers', caller: (call) => adminActor(ctx.authorize, call), request: 'ListUsersRequest' }, async () => {
      return { users: await ctx.store.users.list() };
    }),

    SetUserDisabled: unary(ctx.log, { method: 'Admin.SetUserDisabled', caller: (call) => adminActor(ctx.authorize, call), request: 'SetUserDisabledRequest' }, async (req, actor) => {
      await ctx.revocation.setUserDisabled(req.name, req.disabled, actor);
      return view(req.name);
    }),

    SetUserGroups: unary(ctx.log, { method: 'Admin.SetUserGroups', caller: (call) => adminActor(ctx.authorize, call), request: 'SetUserGroupsRequest' }, async (req, actor) => {
      const groups = [...new Set(req.groups)].sort();
      const changed = await ctx.store.transaction(async (tx) => {
        const before = await tx.users.groupsOf(req.name);
        if (!(await tx.users.setGroups(req.name, groups))) return false;
        await ctx.audit.append(tx, { actor, action: 'user.groups', target: req.name, details: { before, after: groups } });
        return true;
      });
      if (!changed) throw notFound(`no user ${req.name}`);
      await ctx.revocation.userChanged(req.name, 'groups', actor);
      return view(req.name);
    }),
  };
}
