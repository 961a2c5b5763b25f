// The header rules of the proxy, both ways. Toward the upstream: hop-by-hop headers (and those
// the client's Connection header names) are removed, so are every client-sent
// X-Wicket-Assertion, Forwarded and X-Forwarded-* under any spelling or repetition — the
// upstream must be able to trust them — and the proxy's own are added. Host is the
// upstream's; the one the client asked for travels in X-Forwarded-Host. The gateway's own
// browser cookie (gateway/clientless/) is a credential: it is taken out of Cookie headers.
// Toward the client: hop-by-hop headers removed (Node frames the body itself).
import { COOKIE_NAME } from '../clientless/cookie.js';
import { ASSERTION_HEADER } from './assertion.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Never forwarded from the client: the proxy sets them, or undici refuses them (expect). */
const REPLACED = new Set([ASSERTION_HEADER, 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'host', 'expect']);

/** The header names a Connection header lists (they are hop-by-hop as well). */
function connectionTokens(raw: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const t of raw[i + 1]!.split(',')) out.add(t.trim().toLowerCase());
  }
  return out;
}

/** A Cookie header's value without the gateway's own cookie ('' when nothing else is left). */
function withoutOurCookie(value: string): string {
  if (!value.includes(COOKIE_NAME)) return value;
  return value.split(';').map((c) => c.trim()).filter((c) => c !== '' && !c.startsWith(`${COOKIE_NAME}=`)).join('; ');
}

export interface ForwardedFor {
  clientAddress: string;
  host: string;
  assertion: string;
  /** How the client reached us: http through the tunnel, https on the public listener. */
  proto: 'http' | 'https';
}

/** The upstream request's headers as a flat [name, value, ...] list, from the client's raw headers. */
export function upstreamHeaders(raw: readonly string[], f: ForwardedFor): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || REPLACED.has(name) || named.has(name)) continue;
    if (name === 'cookie') {
      const kept = withoutOurCookie(raw[i + 1]!);
      if (kept) out.push(raw[i]!, kept);
      continue;
    }
    out.push(raw[i]!, raw[i + 1]!);
  }
  out.push('X-Wicket-Assertion', f.assertion, 'X-Forwarded-For', f.clientAddress, 'X-Forwarded-Host', f.host, 'X-Forwarded-Proto', f.proto);
  return out;
}

/** The upstream response's headers for the client, without hop-by-hop ones. */
export function clientHeaders(headers: Record<string, string | string[] | undefined>, keepUpgrade = false): Record<string, string | string[]> {
  const named = new Set<string>();
  const conn = headers.connection;
  for (const v of Array.isArray(conn) ? conn : conn ? [conn] : []) for (const t of v.split(',')) named.add(t.trim().toLowerCase());
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    if (keepUpgrade && (name === 'connection' || name === 'upgrade')) {
      out[name] = v;
      continue;
    }
    if (HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = v;
  }
  return out;
}
