// Overview: every gateway with its connection state, the sync version it should have
// (desired) against the one it acknowledged (applied) and when, the live session count, the
// denied attempts of the last hour a minute at a time, and how long gateways took to
// acknowledge revocations (the controller's own histogram, read in-process), each chart
// with its figures in a table too.
import type { GatewayStatus__Output as GatewayStatus } from '../../../proto/generated/wicket/v1/GatewayStatus.js';
import { html } from '../html.js';
import { chart } from './chart.js';
import type { ConsolePage } from '../page-context.js';
import { timeText } from './format.js';
import { revocationLatency } from './revocation-latency.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const gatewayRow = (g: GatewayStatus, now: number) => html`<tr>
  <th scope="row">${g.name}</th><td><span class="health ${g.health.replace(/\s+/g, '-')}">${g.health}</span></td>
  <td>${g.appliedVersion} / ${g.desiredVersion}</td><td>${timeText(Number(g.lastAckMs), now)}</td><td>${g.sessions}</td><td>${g.endpoint}</td></tr>`;

export const overviewPage: ConsolePage = (app, ctx) => {
  app.get('/', async (req, reply) => {
    const s = ctx.session(req);
    const now = ctx.now();
    const [gateways, sessions, flows, latency] = await Promise.all([
      ctx.adminCall(s, 'ListGateways', {}),
      ctx.adminCall(s, 'ListSessions', { all: false, user: '', deviceId: '', gateway: '', limit: 1, offset: 0 }),
      ctx.adminCall(s, 'ListFlows', { sessionId: '', user: '', deviceId: '', sinceMs: now - HOUR_MS, limit: 1, offset: 0, bucketMs: MINUTE_MS }),
      revocationLatency(ctx.metrics),
    ]);
    const minutes = flows.histogram.map((b) => ({ at: Number(b.startMs), denied: Number(b.denied) }));
    const deniedTotal = minutes.reduce((n, m) => n + m.denied, 0);
    const revocations = latency.reduce((n, b) => n + b.count, 0);
    return ctx.render(req, reply, {
      title: 'Overview', active: '/',
      body: html`<section aria-labelledby="gw"><h2 id="gw">Gateways</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">Gateway</th><th scope="col">State</th><th scope="col">Applied / desired version</th><th scope="col">Last acknowledgement</th><th scope="col">Sessions</th><th scope="col">Endpoint</th></tr></thead>
        <tbody>${gateways.gateways.map((g) => gatewayRow(g, now))}</tbody></table></div></section>
        <section aria-labelledby="live"><h2 id="live">Live sessions</h2><p class="figure" id="live-sessions">${Number(sessions.total)}</p><p><a href="/sessions">See the sessions</a></p></section>
        <section aria-labelledby="denied-h"><h2 id="denied-h">Denied attempts over the last hour</h2>
          <p><span id="denied-total">${deniedTotal}</span> denied ${deniedTotal === 1 ? 'attempt' : 'attempts'}, a minute at a time (<a href="/flows">flows and denied attempts</a>).</p>
          ${chart('denied-chart', 'Denied attempts per minute over the last hour; the figures are in the table below', { x: minutes.map((m) => m.at / 1000), series: [{ label: 'Denied attempts', values: minutes.map((m) => m.denied) }], bars: true })}
          <details><summary>Denied attempts per minute (table)</summary><div class="table-wrap"><table id="denied-table"><thead><tr><th scope="col">Minute from</th><th scope="col" class="num">Denied attempts</th></tr></thead>
          <tbody>${minutes.map((m) => html`<tr><td>${new Date(m.at).toISOString().slice(11, 16)} UTC</td><td class="num">${m.denied}</td></tr>`)}</tbody></table></div></details></section>
        <section aria-labelledby="latency-h"><h2 id="latency-h">Revocation to gateway acknowledgement</h2>
          ${revocations === 0 ? html`<p id="revocations-none">No session removal has been acknowledged since the controller started.</p>` : html`<p><span id="revocations-total">${revocations}</span> session ${revocations === 1 ? 'removal' : 'removals'} acknowledged by gateways since the controller started, by how long the acknowledgement took.</p>
          ${chart('latency-chart', 'Revocations by time to acknowledgement; the figures are in the table below', { x: latency.map((_, i) => i), ticks: latency.map((b) => b.label), series: [{ label: 'Revocations', values: latency.map((b) => b.count) }], bars: true, xLabel: 'seconds to acknowledgement', yLabel: 'revocations' })}
          <div class="table-wrap"><table id="latency-table"><thead><tr><th scope="col">Acknowledged within</th><th scope="col" class="num">Revocations</th></tr></thead>
          <tbody>${latency.map((b) => html`<tr><td>${b.label} s</td><td class="num">${b.count}</td></tr>`)}</tbody></table></div>`}</section>`,
    });
  });
};
