// Policy: the applied version and its history; an editor where a new text is checked
// (validation errors, the policy's embedded tests) and its blast radius shown (who gains and
// who loses what, against the applied version), and then applied. Checking, diffing and
// applying are the Admin service's DiffPolicy and ApplyPolicy: the console only shows their
// answers, and offers Apply only for the exact text whose check passed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as grpc from '@grpc/grpc-js';
import type { AccessChange__Output as AccessChange } from '../../../proto/generated/wicket/v1/AccessChange.js';
import type { PolicyTestResponse__Output as PolicyCheck } from '../../../proto/generated/wicket/v1/PolicyTestResponse.js';
import type { PolicyVersion__Output as PolicyVersion } from '../../../proto/generated/wicket/v1/PolicyVersion.js';
import { AdminApiError } from '../admin-api.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import type { PageContext, ConsolePage } from '../page-context.js';
import type { ConsoleSession } from '../console-sessions.js';
import { formText } from './form-text.js';
import { refusal } from './refusal.js';
import { timeText } from './format.js';

/** The Admin API takes at most 1 MiB of policy text; the form allows the same (the body limit is 2 MiB). */
const MAX_POLICY_CHARS = 1024 * 1024;

interface PolicyQuery { version?: number }
interface PolicyBody { yaml: string; _csrf: string }

const querySchema = { querystring: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } } } as const;
const bodySchema = {
  body: {
    type: 'object', required: ['yaml', '_csrf'], additionalProperties: false,
    properties: { yaml: { type: 'string', maxLength: MAX_POLICY_CHARS }, _csrf: { type: 'string', maxLength: 512 } },
  },
} as const;

/** What a check or a refused apply adds to the page, below the editor. */
interface Outcome { check: PolicyCheck; baseVersion: number; changes: AccessChange[]; tested: string }

/** The applied version, or undefined before the first apply (the Admin API answers NOT_FOUND). */
async function applied(ctx: PageContext, s: ConsoleSession): Promise<PolicyVersion | undefined> {
  try {
    return await ctx.adminCall(s, 'ShowPolicy', { version: 0 });
  } catch (err) {
    if (err instanceof AdminApiError && err.code === grpc.status.NOT_FOUND) return undefined;
    throw err;
  }
}

const place = (line: number, column: number) => (line ? `line ${line}${column ? `, column ${column}` : ''}` : '');

function checkSection(check: PolicyCheck): Html {
  const errors = check.errors.length ? html`<h3 id="errors-h">Validation errors</h3><ul class="check-errors" aria-labelledby="errors-h">${check.errors.map((e) => html`<li><strong>Error</strong>
    ${place(e.line, e.column) ? html`<span class="where">${place(e.line, e.column)}</span>` : ''}${e.path ? html` at <code>${e.path}</code>` : ''}: ${e.message}</li>`)}</ul>` : '';
  const tests = check.tests.length
    ? html`<div class="table-wrap"><table><caption>Embedded tests</caption><thead><tr><th scope="col">Test</th><th scope="col">Result</th><th scope="col">Line</th></tr></thead>
      <tbody>${check.tests.map((t) => html`<tr class="${t.passed ? 'test-pass' : 'test-fail'}"><th scope="row">${t.name}</th>
      <td>${t.passed ? html`<span class="diff-gain">✓ passed</span>` : html`<span class="diff-loss">✗ failed</span>: ${t.message}`}</td><td class="num">${t.line || ''}</td></tr>`)}</tbody></table></div>`
    : check.valid ? html`<p class="muted">The policy has no embedded tests.</p>` : '';
  const verdict = check.ok ? html`<p class="notice ok" role="status" id="check-verdict">Valid, and every test passed.</p>`
    : html`<p class="notice error" role="alert" id="check-verdict">${!check.valid ? `Not valid: ${check.errors.length} error${check.errors.length === 1 ? '' : 's'}.` : `${check.tests.filter((t) => !t.passed).length} test(s) failed.`} Apply is offered once the policy is valid and every test passes.</p>`;
  return html`<section aria-labelledby="check-h"><h2 id="check-h">Check</h2>${verdict}${errors}${tests}</section>`;
}

function diffSection(baseVersion: number, changes: AccessChange[]): Html {
  const against = baseVersion ? `the applied version ${baseVersion}` : 'no policy (none applied yet)';
  const body = changes.length === 0 ? html`<p>Nobody gains or loses access.</p>`
    : html`<div class="table-wrap"><table class="diff"><thead><tr><th scope="col">User</th><th scope="col">Gains</th><th scope="col">Loses</th></tr></thead>
      <tbody>${changes.map((c) => html`<tr><th scope="row">${c.user}</th>
        <td>${c.gained.length ? html`<ul class="changes">${c.gained.map((g) => html`<li class="diff-gain"><span aria-hidden="true">+ </span><span class="visually-hidden">gains </span>${g}</li>`)}</ul>` : html`<span class="muted">nothing</span>`}</td>
        <td>${c.lost.length ? html`<ul class="changes">${c.lost.map((l) => html`<li class="diff-loss"><span aria-hidden="true">− </span><span class="visually-hidden">loses </span>${l}</li>`)}</ul>` : html`<span class="muted">nothing</span>`}</td></tr>`)}</tbody></table></div>`;
  const gains = changes.reduce((n, c) => n + c.gained.length, 0);
  const losses = changes.reduce((n, c) => n + c.lost.length, 0);
  return html`<section aria-labelledby="diff-h"><h2 id="diff-h">Blast radius</h2>
    <p>Compared with ${against}: ${changes.length} user${changes.length === 1 ? '' : 's'} affected, <strong>+${gains}</strong> gained, <strong>−${losses}</strong> lost.</p>${body}</section>`;
}

function applyForm(csrf: string, o: Outcome): Html {
  const question = `Apply this policy? ${o.changes.length} user(s) gain or lose access${o.baseVersion ? ` compared with version ${o.baseVersion}` : ''}; live sessions change at once.`;
  return html`<form method="post" action="/policy/apply" class="apply" data-confirm="${question}">${csrfField(csrf)}
    <input type="hidden" name="yaml" value="${o.tested}">
    <p class="muted">Apply uses the text that was just tested; edits made since in the editor need a new test.</p>
    <button type="submit" class="danger">Apply</button></form>`;
}

export const policyPage: ConsolePage = (app, ctx) => {
  const show = async (req: FastifyRequest, reply: FastifyReply, opts: { viewing?: number; outcome?: Outcome; editorText?: string; notice?: { kind: 'ok' | 'error'; text: string }; status?: number }) => {
    const s = ctx.session(req);
    const [current, history, viewed] = await Promise.all([
      applied(ctx, s), ctx.adminCall(s, 'PolicyHistory', {}),
      opts.viewing ? ctx.adminCall(s, 'ShowPolicy', { version: opts.viewing }) : undefined,
    ]);
    const now = ctx.now();
    const csrf = ctx.csrf(req, reply);
    const editorText = opts.editorText ?? viewed?.yaml ?? current?.yaml ?? '';
    const appliedSection = current
      ? html`<section aria-labelledby="applied-h"><h2 id="applied-h">Applied version</h2>
        <p id="applied-version">Version <strong>${current.version}</strong>, applied by ${current.author} at ${timeText(Number(current.appliedAtMs), now)}. <span class="muted">SHA-256 <code>${current.sha256.slice(0, 16)}…</code></span></p></section>`
      : html`<section aria-labelledby="applied-h"><h2 id="applied-h">Applied version</h2><p id="applied-version">No policy has been applied yet: nobody can reach anything.</p></section>`;
    const viewedSection = viewed && viewed.version !== current?.version
      ? html`<section aria-labelledby="viewed-h"><h2 id="viewed-h">Version ${viewed.version}</h2>
        <p>Applied by ${viewed.author} at ${timeText(Number(viewed.appliedAtMs), now)}; superseded. The editor below starts from it. <a href="/policy">Back to the applied version</a></p>
        <pre>${viewed.yaml}</pre></section>`
      : '';
    const editor = html`<section aria-labelledby="editor-h"><h2 id="editor-h">Edit</h2>
      <form method="post" action="/policy/check">${csrfField(csrf)}
      <label for="yaml">Policy (YAML)</label>
      <textarea id="yaml" name="yaml" spellcheck="false" autocapitalize="off" autocomplete="off" required>
${editorText}</textarea>
      <p><button type="submit">Test and show changes</button></p></form></section>`;
    const results = opts.outcome
      ? html`${checkSection(opts.outcome.check)}${opts.outcome.check.valid ? diffSection(opts.outcome.baseVersion, opts.outcome.changes) : ''}${opts.outcome.check.ok ? applyForm(csrf, opts.outcome) : ''}`
      : '';
    const historySection = html`<section aria-labelledby="history-h"><h2 id="history-h">History</h2>
      ${history.versions.length === 0 ? html`<p>No versions yet.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Version</th><th scope="col">Author</th><th scope="col">Applied</th><th scope="col">SHA-256</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${history.versions.map((v) => html`<tr><th scope="row">${v.version}${v.version === current?.version ? html` <span class="muted">(applied)</span>` : ''}</th><td>${v.author}</td><td>${timeText(Number(v.appliedAtMs), now)}</td>
        <td><code>${v.sha256.slice(0, 16)}…</code></td><td><a href="/policy?version=${v.version}">View version ${v.version}</a></td></tr>`)}</tbody></table></div>`}</section>`;
    return ctx.render(req, reply, { title: 'Policy', active: '/policy', notice: opts.notice, body: html`${appliedSection}${viewedSection}${editor}${results}${historySection}` }, opts.status);
  };

  app.get<{ Querystring: PolicyQuery }>('/policy', { schema: querySchema }, (req, reply) => show(req, reply, { viewing: req.query.version }));

  app.post<{ Body: PolicyBody }>('/policy/check', { schema: bodySchema }, async (req, reply) => {
    const yaml = formText(req.body.yaml);
    const d = await ctx.adminCall(ctx.session(req), 'DiffPolicy', { yaml });
    return show(req, reply, { editorText: yaml, outcome: { check: d.check!, baseVersion: Number(d.baseVersion), changes: d.changes, tested: yaml } });
  });

  app.post<{ Body: PolicyBody }>('/policy/apply', { schema: bodySchema }, async (req, reply) => {
    const yaml = formText(req.body.yaml);
    let r;
    try {
      r = await ctx.adminCall(ctx.session(req), 'ApplyPolicy', { yaml });
    } catch (err) {
      const refused = refusal(err);
      return show(req, reply, { editorText: yaml, notice: refused.notice, status: refused.status });
    }
    const version = Number(r.version);
    if (!version) {
      // The Admin service refuses to apply a text whose check fails (it answers with the check).
      return show(req, reply, { editorText: yaml, outcome: { check: r.check!, baseVersion: 0, changes: [], tested: yaml }, notice: { kind: 'error', text: 'Not applied: the policy is not valid or a test failed.' }, status: 400 });
    }
    return ctx.redirect(reply, '/policy', `Policy version ${version} applied: ${r.changes.length} user(s) gained or lost access, ${r.sessionsUpdated} live session(s) updated.`);
  });
};
