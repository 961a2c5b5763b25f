// Sessions: the live sessions (filtered by user, device and gateway, 50 a page with the
// total), each with its gateways' acknowledgement state and a revoke form; a session's own
// page lists each gateway's acknowledgement, and its /events stream (server-sent events
// relayed from Admin.WatchSession) lets web/live-acks.ts show each ack as it arrives.
import * as grpc from '@grpc/grpc-js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session__Output as Session } from '../../../proto/generated/wicket/v1/Session.js';
import type { GatewayAck__Output as GatewayAck } from '../../../proto/generated/wicket/v1/GatewayAck.js';
import { AdminApiError } from '../admin-api.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import type { ConsolePage } from '../page-context.js';
import { timeText } from './format.js';
import { refusal } from './refusal.js';
import { relayAcks } from './session-events.js';

export const PAGE_SIZE = 50;

interface ListQuery { user?: string; device?: string; gateway?: string; page?: number }

const NAME = { type: 'string', maxLength: 64 } as const;
const ID_PARAMS = {
  type: 'object', required: ['id'], additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
} as const;

/** What a gateway's acknowledgement cell says (also what the live update sends). */
export function ackState(a: GatewayAck, now: number): { gateway: string; version: number; acked: boolean; text: string } {
  const at = Number(a.ackedAtMs);
  return { gateway: a.gateway, version: Number(a.version), acked: at > 0, text: at > 0 ? `acknowledged ${timeText(at, now)}` : 'pending' };
}

const ackBadge = (a: GatewayAck, now: number) => {
  const s = ackState(a, now);
  return html`<span class="ack ${s.acked ? 'acked' : 'pending'}">${s.acked ? 'acknowledged' : 'pending'}</span>`;
};

const deviceText = (s: Session) => (s.deviceName ? `${s.deviceName} (${s.deviceId.slice(0, 8)})` : s.deviceId.slice(0, 8));

function revokeForm(s: Session, csrf: string): Html {
  const field = `reason-${s.id}`;
  return html`<form method="post" action="/sessions/${s.id}/revoke" class="inline revoke" data-confirm="Revoke the session of ${s.username} on ${deviceText(s)}? Its traffic stops at once.">
    ${csrfField(csrf)}<label for="${field}">Reason</label> <input id="${field}" name="reason" required maxlength="256" autocomplete="off"> <button type="submit" class="danger">Revoke</button></form>`;
}

const sessionRow = (s: Session, now: number, csrf: string) => html`<tr>
  <th scope="row"><a href="/sessions/${s.id}">${s.username}</a></th><td data-label="Device">${deviceText(s)}</td><td data-label="Overlay address">${s.overlayAddress}</td>
  <td data-label="Created">${timeText(Number(s.createdAtMs), now)}</td><td data-label="Expires">${timeText(Number(s.expiresAtMs), now)}</td>
  <td data-label="Gateways">${s.acks.length ? html`<ul class="plain">${s.acks.map((a) => html`<li>${a.gateway}: ${ackBadge(a, now)}</li>`)}</ul>` : 'none'}</td>
  <td data-label="Revoke">${revokeForm(s, csrf)}</td></tr>`;

function pageLink(q: ListQuery, page: number): string {
  const p = new URLSearchParams();
  for (const k of ['user', 'device', 'gateway'] as const) if (q[k]) p.set(k, q[k]);
  if (page > 1) p.set('page', String(page));
  const text = p.toString();
  return text ? `/sessions?${text}` : '/sessions';
}

export const sessionsPage: ConsolePage = (app, ctx) => {
  app.get<{ Querystring: ListQuery }>('/sessions', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { user: NAME, device: NAME, gateway: NAME, page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 } },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const page = q.page ?? 1;
    const list = await ctx.adminCall(ctx.session(req), 'ListSessions', {
      all: false, user: q.user ?? '', deviceId: q.device ?? '', gateway: q.gateway ?? '', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE,
    });
    const now = ctx.now();
    const csrf = ctx.csrf(req, reply);
    const total = Number(list.total);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    return ctx.render(req, reply, {
      title: 'Sessions', active: '/sessions',
      body: html`<form method="get" action="/sessions" class="filters" role="search">
          <label for="f-user">User <input id="f-user" name="user" value="${q.user ?? ''}" maxlength="64"></label>
          <label for="f-device">Device id <input id="f-device" name="device" value="${q.device ?? ''}" maxlength="64"></label>
          <label for="f-gateway">Gateway <input id="f-gateway" name="gateway" value="${q.gateway ?? ''}" maxlength="64"></label>
          <button type="submit">Filter</button> <a href="/sessions">Clear</a></form>
        <p id="sessions-total">${total} live ${total === 1 ? 'session' : 'sessions'}${pages > 1 ? `, page ${page} of ${pages}` : ''}</p>
        <div class="table-wrap"><table id="sessions" class="cards"><thead><tr><th scope="col">User</th><th scope="col">Device</th><th scope="col">Overlay address</th>
          <th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Gateways</th><th scope="col">Revoke</th></tr></thead>
        <tbody>${list.sessions.map((s) => sessionRow(s, now, csrf))}</tbody></table></div>
        <nav class="pager" aria-label="Pages">${page > 1 ? html`<a href="${pageLink(q, page - 1)}" rel="prev">Previous</a>` : ''}
          <span>Page ${page} of ${pages}</span>${page < pages ? html`<a href="${pageLink(q, page + 1)}" rel="next">Next</a>` : ''}</nav>`,
    });
  });

  const detail = async (req: FastifyRequest, reply: FastifyReply, id: string, notice?: { kind: 'error'; text: string }, status = 200) => {
    const list = await ctx.adminCall(ctx.session(req), 'ListSessions', { all: true, id, user: '', deviceId: '', gateway: '', limit: 1, offset: 0 });
    const s = list.sessions[0];
    if (!s) throw new AdminApiError(grpc.status.NOT_FOUND, `no session ${id}`);
    const now = ctx.now();
    const live = s.acks.some((a) => Number(a.ackedAtMs) === 0);
    return ctx.render(req, reply, {
      title: `Session of ${s.username}`, active: '/sessions', notice,
      body: html`<dl class="facts"><dt>State</dt><dd id="session-state">${s.state}${s.endReason ? html` (${s.endReason})` : ''}</dd>
          <dt>User</dt><dd>${s.username}</dd><dt>Device</dt><dd>${deviceText(s)}</dd><dt>Overlay address</dt><dd>${s.overlayAddress}</dd>
          <dt>Created</dt><dd>${timeText(Number(s.createdAtMs), now)}</dd><dt>Expires</dt><dd>${timeText(Number(s.expiresAtMs), now)}</dd></dl>
        <section aria-labelledby="acks-h"><h2 id="acks-h">Gateways</h2>
          <p>Whether each gateway has acknowledged enforcing the session's latest change.${live ? ' This page updates as acknowledgements arrive.' : ''}</p>
          <div class="table-wrap"><table id="acks"${live ? html` data-live-acks="/sessions/${s.id}/events"` : ''}><thead><tr><th scope="col">Gateway</th><th scope="col">Version</th><th scope="col">Acknowledgement</th></tr></thead>
          <tbody>${s.acks.map((a) => html`<tr data-gateway="${a.gateway}"><th scope="row">${a.gateway}</th><td data-field="version">${Number(a.version)}</td><td data-field="ack"><span class="ack ${Number(a.ackedAtMs) > 0 ? 'acked' : 'pending'}">${ackState(a, now).text}</span></td></tr>`)}</tbody></table></div>
          <p id="ack-status" role="status" aria-live="polite"></p></section>
        ${s.state === 'active' ? html`<section aria-labelledby="revoke-h"><h2 id="revoke-h">Revoke</h2>${revokeForm(s, ctx.csrf(req, reply))}</section>` : ''}
        <p><a href="/sessions">All sessions</a></p>`,
    }, status);
  };

  app.get<{ Params: { id: string } }>('/sessions/:id', { schema: { params: ID_PARAMS } }, async (req, reply) => detail(req, reply, req.params.id));

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/sessions/:id/revoke', {
    schema: {
      params: ID_PARAMS,
      body: { type: 'object', required: ['reason'], properties: { _csrf: { type: 'string' }, reason: { type: 'string', minLength: 1, maxLength: 256 } } },
    },
  }, async (req, reply) => {
    try {
      await ctx.adminCall(ctx.session(req), 'RevokeSession', { id: req.params.id, reason: req.body.reason });
    } catch (err) {
      const refused = refusal(err);
      return detail(req, reply, req.params.id, refused.notice, refused.status);
    }
    return ctx.redirect(reply, `/sessions/${req.params.id}`, 'Session revoked; each gateway\'s acknowledgement shows below as it arrives.');
  });

  app.get<{ Params: { id: string } }>('/sessions/:id/events', { schema: { params: ID_PARAMS } }, (req, reply) => {
    relayAcks(reply, ctx.session(req).admin, req.params.id, (a) => ackState(a, ctx.now()));
  });
};
