// Access requests (just-in-time access, docs/access.md): what waits for a decision, and the
// history. Approve (for the duration asked or a shorter/other one, with an optional note),
// deny (a reason is required) and revoke an approved request are the Admin API's calls as
// the signed-in admin, so its rules hold unchanged — among them that the admin must be one
// of the grant's approvers and never the requester; a refusal shows with the API's reason.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessRequest__Output as AccessRequest } from '../../../proto/generated/wicket/v1/AccessRequest.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import type { ConsolePage, PageContext } from '../page-context.js';
import { timeText } from './format.js';
import { refusal, type Refusal } from './refusal.js';

const CSRF = { type: 'string', maxLength: 512 } as const;
const REASON = { type: 'string', maxLength: 512 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } } as const;

// open: pending and approved (what an approver may still act on); the API lists pending or all.
type Show = 'open' | 'pending' | 'all';
const listQuery = { type: 'object', properties: { show: { type: 'string', enum: ['open', 'pending', 'all'], default: 'open' } } } as const;
const OPEN = new Set(['pending', 'approved']);

/** "20 min", "2 h", "1 d 6 h" — durations as the policy writes them, roughly. */
function durationText(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** What became of a request, in a sentence. */
function outcome(r: AccessRequest, now: number): Html | string {
  switch (r.state) {
    case 'pending': return html`may be approved by ${r.approvers.join(', ')}`;
    case 'approved': return html`by ${r.decidedBy}${r.decisionReason ? html` (“${r.decisionReason}”)` : ''}, until ${timeText(r.expiresAtMs, now)}`;
    case 'denied': return html`by ${r.decidedBy}: ${r.decisionReason}`;
    default: return html`by ${r.endedBy}${r.endReason ? html`: ${r.endReason}` : ''}, ${timeText(r.endedAtMs, now)}`;
  }
}

function actions(r: AccessRequest, csrf: string): Html | string {
  const id = encodeURIComponent(r.id);
  const who = `${r.username}'s request for ${r.resource}`;
  if (r.state === 'pending') {
    return html`<div class="actions">
      <form method="post" action="/access/${id}/approve" class="inline">${csrfField(csrf)}
        <label for="for-${r.id}">Minutes</label><input id="for-${r.id}" name="minutes" type="number" min="1" max="525600" placeholder="as asked" class="short">
        <label for="note-${r.id}">Note</label><input id="note-${r.id}" name="reason" maxlength="512" placeholder="optional" class="short">
        <button type="submit" aria-label="Approve ${who}">Approve</button></form>
      <form method="post" action="/access/${id}/deny" class="inline" data-confirm="Deny ${who}?">${csrfField(csrf)}
        <label for="deny-${r.id}">Reason</label><input id="deny-${r.id}" name="reason" required maxlength="512" class="short">
        <button type="submit" class="danger" aria-label="Deny ${who}">Deny</button></form></div>`;
  }
  if (r.state === 'approved') {
    return html`<form method="post" action="/access/${id}/revoke" class="inline" data-confirm="Revoke ${who}? The access ends at once.">${csrfField(csrf)}
      <label for="revoke-${r.id}">Reason</label><input id="revoke-${r.id}" name="reason" maxlength="512" class="short">
      <button type="submit" class="danger" aria-label="Revoke ${who}">Revoke</button></form>`;
  }
  return '';
}

const requestRow = (r: AccessRequest, csrf: string, now: number) => html`<tr id="request-${r.id}">
  <td data-label="Asked">${timeText(r.createdAtMs, now)}</td><th scope="row">${r.username}</th><td data-label="Resource">${r.resource}</td><td data-label="Grant">${r.grant}</td>
  <td data-label="For">${durationText(r.durationMs)}</td><td data-label="Reason">${r.reason}</td><td data-label="State"><span class="state ${r.state}">${r.state}</span></td>
  <td data-label="Decision">${outcome(r, now)}</td><td>${actions(r, csrf)}</td></tr>`;

async function renderAccess(ctx: PageContext, req: FastifyRequest, reply: FastifyReply, show: Show, failed?: Refusal): Promise<FastifyReply> {
  const list = await ctx.adminCall(ctx.session(req), 'ListAccessRequests', { pending: show === 'pending', user: '' });
  const csrf = ctx.csrf(req, reply);
  const now = ctx.now();
  // Newest first: the API lists them oldest first.
  const requests = list.requests.filter((r) => show !== 'open' || OPEN.has(r.state)).sort((a, b) => b.createdAtMs - a.createdAtMs);
  return ctx.render(req, reply, {
    title: 'Access requests', active: '/access', notice: failed?.notice,
    body: html`<form method="get" action="/access" class="filters">
        <label for="show">Show<select id="show" name="show">
          <option value="open"${show === 'open' ? html` selected` : ''}>Pending and approved</option>
          <option value="pending"${show === 'pending' ? html` selected` : ''}>Pending only</option>
          <option value="all"${show === 'all' ? html` selected` : ''}>All requests</option></select></label>
        <button type="submit" class="secondary">Show</button></form>
      ${requests.length === 0 ? html`<p class="muted">${show === 'all' ? 'No access request yet.' : 'No request waits for a decision.'}</p>` : html`
      <div class="table-wrap"><table class="cards"><thead><tr><th scope="col">Asked</th><th scope="col">User</th><th scope="col">Resource</th><th scope="col">Grant</th><th scope="col">For</th><th scope="col">Reason</th><th scope="col">State</th><th scope="col">Decision</th><th scope="col">Actions</th></tr></thead>
      <tbody>${requests.map((r) => requestRow(r, csrf, now))}</tbody></table></div>`}`,
  }, failed?.status);
}

export const accessPage: ConsolePage = (app, ctx) => {
  app.get<{ Querystring: { show: Show } }>('/access', { schema: { querystring: listQuery } }, (req, reply) => renderAccess(ctx, req, reply, req.query.show));

  /** A decision on request :id; on refusal the open requests are shown again with the reason. */
  const decide = <B extends object>(verb: string, body: object, run: (req: FastifyRequest<{ Params: { id: string }; Body: B }>) => Promise<AccessRequest>) =>
    app.post<{ Params: { id: string }; Body: B }>(`/access/:id/${verb}`, { schema: { params: idParams, body } }, async (req, reply) => {
      let r;
      try {
        r = await run(req);
      } catch (err) {
        return renderAccess(ctx, req, reply, 'open', refusal(err));
      }
      return ctx.redirect(reply, '/access', `${r.username}'s request for ${r.resource} is ${r.state}`);
    });

  // Minutes rather than milliseconds: what an approver thinks in. Empty = the duration asked for.
  // Whether the duration is allowed (at most the grant's max_duration) is the API's rule.
  decide<{ minutes?: string; reason?: string }>('approve',
    { type: 'object', properties: { _csrf: CSRF, minutes: { type: 'string', pattern: '^[0-9]{0,6}$' }, reason: REASON } },
    (req) => ctx.adminCall(ctx.session(req), 'ApproveAccess', { id: req.params.id, durationMs: Number(req.body.minutes || 0) * 60_000, reason: req.body.reason ?? '' }));
  decide<{ reason: string }>('deny', { type: 'object', required: ['reason'], properties: { _csrf: CSRF, reason: REASON } },
    (req) => ctx.adminCall(ctx.session(req), 'DenyAccess', { id: req.params.id, reason: req.body.reason }));
  decide<{ reason?: string }>('revoke', { type: 'object', properties: { _csrf: CSRF, reason: REASON } },
    (req) => ctx.adminCall(ctx.session(req), 'RevokeAccess', { id: req.params.id, reason: req.body.reason ?? '' }));
};
