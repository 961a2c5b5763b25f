// Audit: the hash-chained log, newest first, filtered by action prefix ("user.", "access.")
// and paged by record id, so every view is a link; and the chain's verification against its
// signed head (VerifyAudit only reads, so it is a plain GET: a button that reloads the page
// with verify=1).
import type { AuditRecord__Output as AuditRecord } from '../../../proto/generated/wicket/v1/AuditRecord.js';
import type { VerifyAuditResponse__Output as VerifyResult } from '../../../proto/generated/wicket/v1/VerifyAuditResponse.js';
import { html, type Html } from '../html.js';
import type { ConsolePage } from '../page-context.js';
import { timeText } from './format.js';

const PAGE = 50;

interface AuditQuery { action: string; before?: number; after?: number; verify?: '1' }
const auditQuery = {
  type: 'object',
  properties: {
    action: { type: 'string', maxLength: 64, default: '' },
    before: { type: 'integer', minimum: 1 },
    after: { type: 'integer', minimum: 0 },
    verify: { type: 'string', enum: ['1'] },
  },
} as const;

/** The record's details as "key: value" lines (values that are not text as JSON). */
function details(json: string): Html {
  let obj: unknown;
  try {
    obj = JSON.parse(json);
  } catch {
    return html`<code>${json}</code>`;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return html`<code>${json}</code>`;
  const entries = Object.entries(obj as Record<string, unknown>);
  if (entries.length === 0) return html``;
  return html`<ul class="details">${entries.map(([k, v]) => html`<li><span class="key">${k}:</span> ${typeof v === 'string' ? v : JSON.stringify(v)}</li>`)}</ul>`;
}

const recordRow = (r: AuditRecord, now: number) => html`<tr>
  <td class="num" data-label="Id">${r.id}</td><td data-label="Time">${timeText(r.atMs, now)}</td><td data-label="Actor">${r.actor}</td><th scope="row">${r.action}</th><td data-label="Target">${r.target}</td><td>${details(r.detailsJson)}</td></tr>`;

const verifyResult = (v: VerifyResult) => html`<section aria-labelledby="verify" class="verify ${v.ok ? 'ok' : 'bad'}"><h2 id="verify">Chain verification</h2>
  <p class="notice ${v.ok ? 'ok' : 'error'}" role="status"><strong>${v.ok ? 'OK' : 'FAILED'}</strong>: ${v.recordsChecked} records checked${v.ok ? '' : html`, first bad record ${v.firstBadId}`}. ${v.message}</p></section>`;

/** A link to this page with the given filter and cursor. */
function link(action: string, cursor: { before?: number; after?: number }): string {
  const q = new URLSearchParams();
  if (action) q.set('action', action);
  if (cursor.before !== undefined) q.set('before', String(cursor.before));
  if (cursor.after !== undefined) q.set('after', String(cursor.after));
  const s = q.toString();
  return s ? `/audit?${s}` : '/audit';
}

export const auditPage: ConsolePage = (app, ctx) => {
  app.get<{ Querystring: AuditQuery }>('/audit', { schema: { querystring: auditQuery } }, async (req, reply) => {
    const s = ctx.session(req);
    const { action, before, after } = req.query;
    const read = async (afterId: number, limit: number) => (await ctx.adminCall(s, 'ListAudit', { afterId, limit, actionPrefix: action })).records;
    const [records, verified] = await Promise.all([
      after !== undefined ? read(after, PAGE).then((r) => r.reverse())
        : ctx.adminCall(s, 'ListAudit', { afterId: 0, limit: PAGE, actionPrefix: action, newestFirst: true, beforeId: before ?? 0 }).then((r) => r.records),
      req.query.verify ? ctx.adminCall(s, 'VerifyAudit', { head: '' }) : undefined,
    ]);
    const newest = records[0]?.id;
    const oldest = records.at(-1)?.id;
    const [newer, first] = await Promise.all([newest === undefined ? [] : read(newest, 1), read(0, 1)]);
    const hasOlder = oldest !== undefined && first[0] !== undefined && first[0].id < oldest;
    const now = ctx.now();
    return ctx.render(req, reply, {
      title: 'Audit', active: '/audit',
      body: html`${verified ? verifyResult(verified) : ''}
        <div class="toolbar"><form method="get" action="/audit" class="filters">
          <label for="action">Action starts with<input id="action" name="action" value="${action}" maxlength="64" placeholder="user., access., login.fail"></label>
          <button type="submit" class="secondary">Filter</button></form>
        <form method="get" action="/audit" class="filters">${action ? html`<input type="hidden" name="action" value="${action}">` : ''}<input type="hidden" name="verify" value="1">
          <button type="submit">Verify chain</button></form></div>
        ${records.length === 0 ? html`<p class="muted">No audit record${action ? html` whose action starts with “${action}”` : ''} here.</p>` : html`
        <div class="table-wrap"><table class="cards"><thead><tr><th scope="col" class="num">Id</th><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
        <tbody>${records.map((r) => recordRow(r, now))}</tbody></table></div>`}
        <nav class="pager" aria-label="Audit pages">
          ${newer.length > 0 ? html`<a href="${link(action, { after: newest })}" rel="prev">Newer</a> <a href="${link(action, {})}">Newest</a>` : ''}
          ${hasOlder ? html`<a href="${link(action, { before: oldest })}" rel="next">Older</a>` : ''}</nav>`,
    });
  });
};
