// Overview: every gateway with its connection state, the sync version it should have
// (desired) against the one it acknowledged (applied) and when, and the live session count.
import type { GatewayStatus__Output as GatewayStatus } from '../../../proto/generated/wicket/v1/GatewayStatus.js';
import { html } from '../html.js';
import type { ConsolePage } from '../page-context.js';
import { timeText } from './format.js';

const gatewayRow = (g: GatewayStatus, now: number) => html`<tr>
  <th scope="row">${g.name}</th><td><span class="health ${g.health.replace(/\s+/g, '-')}">${g.health}</span></td>
  <td>${g.appliedVersion} / ${g.desiredVersion}</td><td>${timeText(Number(g.lastAckMs), now)}</td><td>${g.sessions}</td><td>${g.endpoint}</td></tr>`;

export const overviewPage: ConsolePage = (app, ctx) => {
  app.get('/', async (req, reply) => {
    const s = ctx.session(req);
    const [gateways, sessions] = await Promise.all([ctx.adminCall(s, 'ListGateways', {}), ctx.adminCall(s, 'ListSessions', {})]);
    const now = ctx.now();
    return ctx.render(req, reply, {
      title: 'Overview', active: '/',
      body: html`<section aria-labelledby="gw"><h2 id="gw">Gateways</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">Gateway</th><th scope="col">State</th><th scope="col">Applied / desired version</th><th scope="col">Last acknowledgement</th><th scope="col">Sessions</th><th scope="col">Endpoint</th></tr></thead>
        <tbody>${gateways.gateways.map((g) => gatewayRow(g, now))}</tbody></table></div></section>
        <section aria-labelledby="live"><h2 id="live">Live sessions</h2><p class="figure" id="live-sessions">${sessions.sessions.length}</p><p><a href="/sessions">See the sessions</a></p></section>`,
    });
  });
};
