// The frame every console page shares: the navigation, the signed-in admin with a sign-out
// button, a notice line, and the page body. Styles and script come from /assets (bundled at
// build time); nothing is inline, so the strict Content-Security-Policy holds.
import { html, type Html } from './html.js';

/** The console's pages, in navigation order. */
export const NAV = [
  { path: '/', label: 'Overview' },
  { path: '/sessions', label: 'Sessions' },
  { path: '/users', label: 'Users and devices' },
  { path: '/policy', label: 'Policy' },
  { path: '/flows', label: 'Flows' },
  { path: '/access', label: 'Access requests' },
  { path: '/audit', label: 'Audit' },
] as const;

export type NavPath = (typeof NAV)[number]['path'];

export interface Frame {
  title: string;
  /** The navigation entry this page belongs to (marked current); none on the sign-in page. */
  active?: NavPath;
  /** The signed-in admin, with the CSRF token their forms carry. */
  admin?: { user: string; csrf: string };
  notice?: { kind: 'ok' | 'error'; text: string };
  body: Html;
}

export function page(f: Frame): string {
  const nav = f.admin ? html`<nav aria-label="Console"><ul>${NAV.map((n) => html`<li><a href="${n.path}"${f.active === n.path ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}</ul>
    <form method="post" action="/sign-out" class="sign-out"><input type="hidden" name="_csrf" value="${f.admin.csrf}"><span>${f.admin.user}</span> <button type="submit">Sign out</button></form></nav>` : '';
  const notice = f.notice ? html`<p class="notice ${f.notice.kind}" role="${f.notice.kind === 'error' ? 'alert' : 'status'}">${f.notice.text}</p>` : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${f.title} · Wicket</title>
<link rel="stylesheet" href="/assets/uPlot.min.css"><link rel="stylesheet" href="/assets/console.css">
<script src="/assets/console.js" defer></script></head>
<body><header><a class="brand" href="/">Wicket</a>${nav}</header>
<main id="main"><h1>${f.title}</h1>${notice}${f.body}</main></body></html>`.text;
}

/** A hidden CSRF field for a form. */
export const csrfField = (token: string): Html => html`<input type="hidden" name="_csrf" value="${token}">`;

/** User name, password and TOTP code, as both sign-in forms (the console's and a public resource's) ask for them. */
export const credentialFields = (): Html => html`<label for="username">User name</label><input id="username" name="username" autocomplete="username" required autofocus>
      <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
      <label for="totp">Code from your authenticator app</label><input id="totp" name="totp" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required>`;
