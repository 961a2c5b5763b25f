// Flows and denied attempts: what the gateways reported (Admin.ListFlows), filtered by user,
// device, session and time window, newest first and paged, with a chart of flows and denied
// attempts per time bucket over the window (the same figures in a table), and the requests
// through the gateways' HTTP proxies with the same filters and pages (a refused one marked,
// with the proxy's reason). Each user, device and session in the tables links to the view
// filtered by it.
import type { DeniedView__Output as DeniedView } from '../../../proto/generated/wicket/v1/DeniedView.js';
import type { FlowView__Output as FlowView } from '../../../proto/generated/wicket/v1/FlowView.js';
import type { HttpRequestView__Output as HttpRequestView } from '../../../proto/generated/wicket/v1/HttpRequestView.js';
import { html, type Html } from '../html.js';
import type { ConsolePage } from '../page-context.js';
import { chart } from './chart.js';
import { timeText } from './format.js';

/** The time windows offered, each with a bucket length that gives the chart 60 to 100 points. */
const WINDOWS = {
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000, bucketMs: 15_000 },
  '1h': { label: 'Last hour', ms: 3_600_000, bucketMs: 60_000 },
  '6h': { label: 'Last 6 hours', ms: 6 * 3_600_000, bucketMs: 5 * 60_000 },
  '24h': { label: 'Last 24 hours', ms: 24 * 3_600_000, bucketMs: 15 * 60_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 3_600_000, bucketMs: 2 * 3_600_000 },
} as const;
type Since = keyof typeof WINDOWS;
const PAGE_SIZES = [25, 50, 100, 200] as const;

interface FlowsQuery { user: string; device: string; session: string; since: Since; limit: number; page: number }

const querySchema = {
  querystring: {
    type: 'object', additionalProperties: false,
    properties: {
      user: { type: 'string', maxLength: 64, default: '' },
      device: { type: 'string', maxLength: 64, default: '' },
      session: { type: 'string', maxLength: 64, default: '' },
      since: { type: 'string', enum: Object.keys(WINDOWS), default: '1h' },
      limit: { type: 'integer', enum: PAGE_SIZES, default: 50 },
      page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
    },
  },
} as const;

/** This view's link with some filters changed (empty values left out, so links stay short). */
function link(q: FlowsQuery, change: Partial<FlowsQuery>): string {
  const merged: Record<string, string | number> = { ...q, ...change };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) if (v !== '' && !(k === 'page' && v === 1)) params.set(k, String(v));
  return `/flows?${params.toString()}`;
}

const port = (protocol: string, p: number) => (p ? `${protocol}/${p}` : protocol);
const who = (q: FlowsQuery, user: string, deviceId: string, sessionId: string) => html`
  <td>${user ? html`<a href="${link(q, { user, page: 1 })}">${user}</a>` : html`<span class="muted">unknown</span>`}</td>
  <td>${deviceId ? html`<a href="${link(q, { device: deviceId, page: 1 })}" title="${deviceId}"><code>${deviceId.slice(0, 8)}</code></a>` : ''}</td>
  <td>${sessionId ? html`<a href="${link(q, { session: sessionId, page: 1 })}" title="${sessionId}"><code>${sessionId.slice(0, 8)}</code></a>` : ''}</td>`;

const flowRow = (q: FlowsQuery, v: FlowView, now: number) => {
  const f = v.flow!;
  return html`<tr><td>${timeText(f.endedAtMs, now)}</td>${who(q, v.username, v.deviceId, f.sessionId)}<td>${v.gateway}</td>
    <td>${f.source} → ${f.destination} ${port(f.protocol, f.port)}</td><td class="num">${Math.max(0, Math.round((f.endedAtMs - f.startedAtMs) / 1000))} s</td>
    <td class="num">${f.bytesOut}</td><td class="num">${f.bytesIn}</td></tr>`;
};

const deniedRow = (q: FlowsQuery, v: DeniedView, now: number) => {
  const a = v.attempt!;
  return html`<tr><td>${timeText(a.lastSeenMs, now)}</td>${who(q, v.username, v.deviceId, a.sessionId)}<td>${v.gateway}</td>
    <td>${a.source} → ${a.destination} ${port(a.protocol, a.port)}</td><td class="num">${a.count}</td></tr>`;
};

const httpRow = (q: FlowsQuery, v: HttpRequestView, now: number) => {
  const r = v.request!;
  return html`<tr${r.deniedReason ? html` class="refused"` : ''}><td>${timeText(r.startedAtMs, now)}</td>${who(q, r.username, r.deviceId, r.sessionId)}<td>${v.gateway}</td>
    <td>${r.method} ${r.hostname}${r.path}</td><td>${r.tunnel ? 'tunnel' : 'browser'}</td><td class="num">${r.status}</td>
    <td>${r.deniedReason ? html`<span class="state denied">refused</span> ${r.deniedReason}` : 'allowed'}</td>
    <td class="num">${(r.durationUs / 1000).toFixed(1)} ms</td><td class="num">${r.bytesIn}</td><td class="num">${r.bytesOut}</td></tr>`;
};

const WHO_HEAD = html`<th scope="col">User</th><th scope="col">Device</th><th scope="col">Session</th><th scope="col">Gateway</th>`;

function filters(q: FlowsQuery): Html {
  return html`<form method="get" action="/flows" class="filters" role="search" aria-label="Filter flows">
    <label for="f-user">User<input id="f-user" name="user" value="${q.user}" autocomplete="off"></label>
    <label for="f-device">Device id<input id="f-device" name="device" value="${q.device}" autocomplete="off"></label>
    <label for="f-session">Session id<input id="f-session" name="session" value="${q.session}" autocomplete="off"></label>
    <label for="f-since">Since<select id="f-since" name="since">${Object.entries(WINDOWS).map(([k, w]) => html`<option value="${k}"${k === q.since ? html` selected` : ''}>${w.label}</option>`)}</select></label>
    <label for="f-limit">Per page<select id="f-limit" name="limit">${PAGE_SIZES.map((n) => html`<option value="${n}"${n === q.limit ? html` selected` : ''}>${n}</option>`)}</select></label>
    <button type="submit">Filter</button> <a href="/flows">Clear</a></form>`;
}

export const flowsPage: ConsolePage = (app, ctx) => {
  app.get<{ Querystring: FlowsQuery }>('/flows', { schema: querySchema }, async (req, reply) => {
    const q = req.query;
    const window = WINDOWS[q.since];
    const now = ctx.now();
    // Buckets start on whole bucket lengths (whole minutes, hours), so the window begins at
    // the start of the bucket it falls in.
    const sinceMs = Math.floor((now - window.ms) / window.bucketMs) * window.bucketMs;
    // One more than a page of each kind tells whether an older page exists.
    const r = await ctx.adminCall(ctx.session(req), 'ListFlows', {
      user: q.user, deviceId: q.device, sessionId: q.session, sinceMs,
      limit: q.limit + 1, offset: (q.page - 1) * q.limit, bucketMs: window.bucketMs, http: true,
    });
    const flows = r.flows.slice(0, q.limit);
    const denied = r.denied.slice(0, q.limit);
    const requests = r.httpRequests.slice(0, q.limit);
    const more = r.flows.length > q.limit || r.denied.length > q.limit || r.httpRequests.length > q.limit;
    const totals = r.histogram.reduce((t, b) => ({ flows: t.flows + b.flows, denied: t.denied + b.denied }), { flows: 0, denied: 0 });
    const pager = q.page > 1 || more ? html`<div class="pager">
      ${q.page > 1 ? html`<a href="${link(q, { page: q.page - 1 })}" rel="prev">Newer</a>` : ''}<span>Page ${q.page}</span>
      ${more ? html`<a href="${link(q, { page: q.page + 1 })}" rel="next">Older</a>` : ''}</div>` : '';
    const filtered = [q.user && `user ${q.user}`, q.device && `device ${q.device}`, q.session && `session ${q.session}`].filter(Boolean).join(', ');
    return ctx.render(req, reply, {
      title: 'Flows and denied attempts', active: '/flows',
      body: html`${filters(q)}
        <section aria-labelledby="chart-h"><h2 id="chart-h">Over time</h2>
        <p>${window.label}${filtered ? `, ${filtered}` : ''}: <strong id="flows-total">${totals.flows}</strong> flows, <strong id="denied-total">${totals.denied}</strong> denied attempts.</p>
        ${chart('flows-chart', `Flows and denied attempts per ${window.bucketMs / 1000} s`, {
          x: r.histogram.map((b) => b.startMs / 1000),
          series: [{ label: 'Flows', values: r.histogram.map((b) => b.flows) }, { label: 'Denied attempts', values: r.histogram.map((b) => b.denied) }],
        })}
        <details><summary>The chart's figures</summary><div class="table-wrap"><table id="flows-buckets"><thead><tr><th scope="col">From</th><th scope="col" class="num">Flows</th><th scope="col" class="num">Denied attempts</th></tr></thead>
        <tbody>${r.histogram.map((b) => html`<tr><th scope="row">${new Date(b.startMs).toISOString().replace('T', ' ').slice(0, 19)} UTC</th><td class="num">${b.flows}</td><td class="num">${b.denied}</td></tr>`)}</tbody></table></div></details></section>
        <section aria-labelledby="flows-h"><h2 id="flows-h">Flows</h2>
        ${flows.length ? html`<div class="table-wrap"><table id="flows" class="nowrap"><thead><tr><th scope="col">Ended</th>${WHO_HEAD}<th scope="col">Connection</th><th scope="col" class="num">Duration</th><th scope="col" class="num">Bytes out</th><th scope="col" class="num">Bytes in</th></tr></thead>
        <tbody>${flows.map((f) => flowRow(q, f, now))}</tbody></table></div>` : html`<p>No flows match.</p>`}</section>
        <section aria-labelledby="denied-h"><h2 id="denied-h">Denied attempts</h2>
        ${denied.length ? html`<div class="table-wrap"><table id="denied" class="nowrap"><thead><tr><th scope="col">Last seen</th>${WHO_HEAD}<th scope="col">Attempt</th><th scope="col" class="num">Count</th></tr></thead>
        <tbody>${denied.map((d) => deniedRow(q, d, now))}</tbody></table></div>` : html`<p>No denied attempts match.</p>`}</section>
        <section aria-labelledby="http-h"><h2 id="http-h">HTTP requests</h2>
        ${requests.length ? html`<div class="table-wrap"><table id="http-requests" class="nowrap"><thead><tr><th scope="col">Started</th>${WHO_HEAD}<th scope="col">Request</th><th scope="col">Via</th><th scope="col" class="num">Status</th><th scope="col">Decision</th><th scope="col" class="num">Duration</th><th scope="col" class="num">Bytes in</th><th scope="col" class="num">Bytes out</th></tr></thead>
        <tbody>${requests.map((h) => httpRow(q, h, now))}</tbody></table></div>` : html`<p>No HTTP requests match.</p>`}</section>
        ${pager}`,
    });
  });
};
