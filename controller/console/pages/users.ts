// Users and devices: the directory (groups, admin flag, disabled state) and every device with
// its owner and when it was last seen. Adding a user answers with the new user's TOTP secret
// and a QR code of its otpauth URI, rendered straight from the POST (never a redirect) so the
// secret is in no URL and on no later page; it is the only secret the console ever shows.
// Disable, enable, revoke, groups and block are the Admin API's calls as the signed-in admin.
import QRCode from 'qrcode';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Device__Output as Device } from '../../../proto/generated/wicket/v1/Device.js';
import type { User__Output as User } from '../../../proto/generated/wicket/v1/User.js';
import { Html, html } from '../html.js';
import { csrfField } from '../layout.js';
import type { ConsolePage, PageContext } from '../page-context.js';
import { timeText } from './format.js';
import { refusal, type Refusal } from './refusal.js';

const NAME = { type: 'string', minLength: 1, maxLength: 64 } as const;
const CSRF = { type: 'string', maxLength: 512 } as const;
const REASON = { type: 'string', maxLength: 512 } as const;
// Comma-separated group names; each is checked by the Admin API.
const GROUPS = { type: 'string', maxLength: 2048 } as const;

const nameParams = { type: 'object', required: ['name'], properties: { name: NAME } } as const;
const csrfOnly = { type: 'object', properties: { _csrf: CSRF } } as const;

interface AddUserBody { name: string; groups?: string; admin?: 'on'; password?: string }
const addUserSchema = {
  body: {
    type: 'object', required: ['name'],
    properties: { _csrf: CSRF, name: NAME, groups: GROUPS, admin: { type: 'string', enum: ['on'] }, password: { type: 'string', maxLength: 1024 } },
  },
} as const;

const splitGroups = (text = '') => text.split(',').map((g) => g.trim()).filter((g) => g !== '');

function userRow(u: User, csrf: string): Html {
  const path = `/users/${encodeURIComponent(u.name)}`;
  const groupsId = `groups-${u.name}`;
  return html`<tr>
    <th scope="row">${u.name}</th>
    <td data-label="Groups">${u.groups.join(', ') || html`<span class="muted">none</span>`}</td>
    <td data-label="Role">${u.admin ? 'admin' : 'user'}</td>
    <td data-label="State">${u.disabled ? html`<span class="state bad">disabled</span>` : 'active'}</td>
    <td><div class="actions">
      <form method="post" action="${path}/groups" class="inline">${csrfField(csrf)}
        <label for="${groupsId}" class="visually-hidden">Groups of ${u.name}</label>
        <input id="${groupsId}" name="groups" value="${u.groups.join(', ')}" size="18">
        <button type="submit" class="secondary" aria-label="Set groups of ${u.name}">Set groups</button></form>
      ${u.disabled
        ? html`<form method="post" action="${path}/enable" class="inline">${csrfField(csrf)}<button type="submit" class="secondary" aria-label="Enable ${u.name}">Enable</button></form>`
        : html`<form method="post" action="${path}/disable" class="inline" data-confirm="Disable ${u.name}? Their sessions end at once.">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Disable ${u.name}">Disable</button></form>`}
      <form method="post" action="${path}/revoke" class="inline" data-confirm="Revoke ${u.name}? Every session and certificate of theirs ends; they must log in again.">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Revoke ${u.name}">Revoke</button></form>
    </div></td></tr>`;
}

function deviceRow(d: Device, csrf: string, now: number): Html {
  const reasonId = `reason-${d.id}`;
  return html`<tr>
    <td data-label="Owner">${d.username}</td><th scope="row">${d.name}</th><td data-label="Last seen">${timeText(Number(d.lastSeenMs), now)}</td>
    <td data-label="State">${d.blocked ? html`<span class="state bad">blocked</span>` : 'allowed'}</td>
    <td>${d.blocked ? '' : html`<form method="post" action="/devices/${encodeURIComponent(d.id)}/block" class="inline" data-confirm="Block ${d.username}'s device ${d.name}? Its sessions end and it cannot log in again.">${csrfField(csrf)}
      <label for="${reasonId}" class="visually-hidden">Reason to block ${d.username}'s ${d.name}</label>
      <input id="${reasonId}" name="reason" placeholder="reason" maxlength="512" size="14">
      <button type="submit" class="danger" aria-label="Block ${d.username}'s ${d.name}">Block</button></form>`}</td></tr>`;
}

async function renderUsers(ctx: PageContext, req: FastifyRequest, reply: FastifyReply, failed?: Refusal): Promise<FastifyReply> {
  const s = ctx.session(req);
  const [users, devices] = await Promise.all([ctx.adminCall(s, 'ListUsers', {}), ctx.adminCall(s, 'ListDevices', {})]);
  const csrf = ctx.csrf(req, reply);
  const now = ctx.now();
  return ctx.render(req, reply, {
    title: 'Users and devices', active: '/users', notice: failed?.notice,
    body: html`<section aria-labelledby="add"><h2 id="add">Add a user</h2>
      <form method="post" action="/users" class="stack">${csrfField(csrf)}
        <label for="new-name">Name<input id="new-name" name="name" required maxlength="64" autocomplete="off"></label>
        <label for="new-groups">Groups (comma-separated)<input id="new-groups" name="groups" maxlength="2048" autocomplete="off"></label>
        <label for="new-password">Initial password (optional)<input id="new-password" name="password" type="password" maxlength="1024" autocomplete="new-password"></label>
        <label for="new-admin" class="check"><span><input id="new-admin" name="admin" type="checkbox"> Administrator</span></label>
        <button type="submit">Add user</button></form></section>
      <section aria-labelledby="users"><h2 id="users">Users</h2>
        <div class="table-wrap"><table class="cards"><thead><tr><th scope="col">User</th><th scope="col">Groups</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
        <tbody>${users.users.map((u) => userRow(u, csrf))}</tbody></table></div></section>
      <section aria-labelledby="devices"><h2 id="devices">Devices</h2>
        <div class="table-wrap"><table class="cards"><thead><tr><th scope="col">Owner</th><th scope="col">Device</th><th scope="col">Last seen</th><th scope="col">State</th><th scope="col">Block</th></tr></thead>
        <tbody>${devices.devices.map((d) => deviceRow(d, csrf, now))}</tbody></table></div></section>`,
  }, failed?.status);
}

export const usersPage: ConsolePage = (app, ctx) => {
  app.get('/users', (req, reply) => renderUsers(ctx, req, reply));

  app.post<{ Body: AddUserBody }>('/users', { schema: addUserSchema }, async (req, reply) => {
    let added;
    try {
      added = await ctx.adminCall(ctx.session(req), 'AddUser', { name: req.body.name, groups: splitGroups(req.body.groups), admin: req.body.admin === 'on', password: req.body.password ?? '' });
    } catch (err) {
      return renderUsers(ctx, req, reply, refusal(err));
    }
    const qr = await QRCode.toString(added.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return ctx.render(req, reply, {
      title: `User ${added.name} added`, active: '/users',
      notice: { kind: 'ok', text: `User ${added.name} was added.` },
      body: html`<section aria-labelledby="totp"><h2 id="totp">Authenticator secret for ${added.name}</h2>
        <p class="warning" role="note"><strong>Shown only this once.</strong> Give it to ${added.name} now (scan the QR code with their authenticator app, or type the secret); the console cannot show it again.</p>
        <figure class="qr"><div role="img" aria-label="QR code of the authenticator URI for ${added.name}">${new Html(qr)}</div>
        <figcaption>Secret: <code id="totp-secret" class="secret">${added.totpSecret}</code></figcaption></figure>
        <p><a href="/users">Back to users and devices</a></p></section>`,
    });
  });

  const change = (path: string, run: (req: FastifyRequest<{ Params: { name: string }; Body: { reason?: string; groups?: string } }>) => Promise<string>, body: object = csrfOnly) =>
    app.post<{ Params: { name: string }; Body: { reason?: string; groups?: string } }>(path, { schema: { params: nameParams, body } }, async (req, reply) => {
      let done;
      try {
        done = await run(req);
      } catch (err) {
        return renderUsers(ctx, req, reply, refusal(err));
      }
      return ctx.redirect(reply, '/users', done);
    });

  change('/users/:name/disable', async (req) => {
    await ctx.adminCall(ctx.session(req), 'SetUserDisabled', { name: req.params.name, disabled: true });
    return `${req.params.name} is disabled`;
  });
  change('/users/:name/enable', async (req) => {
    await ctx.adminCall(ctx.session(req), 'SetUserDisabled', { name: req.params.name, disabled: false });
    return `${req.params.name} is enabled`;
  });
  change('/users/:name/revoke', async (req) => {
    const r = await ctx.adminCall(ctx.session(req), 'RevokeUser', { name: req.params.name });
    return `${req.params.name}: ${r.sessionsRevoked} session(s) ended, ${r.certificatesRevoked} certificate(s) revoked`;
  });
  change('/users/:name/groups', async (req) => {
    const u = await ctx.adminCall(ctx.session(req), 'SetUserGroups', { name: req.params.name, groups: splitGroups(req.body.groups) });
    return `${u.name}'s groups: ${u.groups.join(', ') || 'none'}`;
  }, { type: 'object', required: ['groups'], properties: { _csrf: CSRF, groups: GROUPS } });

  app.post<{ Params: { id: string }; Body: { reason?: string } }>('/devices/:id/block', {
    schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } }, body: { type: 'object', properties: { _csrf: CSRF, reason: REASON } } },
  }, async (req, reply) => {
    let d;
    try {
      d = await ctx.adminCall(ctx.session(req), 'BlockDevice', { id: req.params.id, reason: req.body.reason ?? '' });
    } catch (err) {
      return renderUsers(ctx, req, reply, refusal(err));
    }
    return ctx.redirect(reply, '/users', `${d.username}'s device ${d.name} is blocked`);
  });
};
