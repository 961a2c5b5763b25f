// HTTP resources of the policy language: the upstream URL the gateway's proxy forwards to and
// the hostname the resource answers to. Parsing into canonical forms, with the reason as a
// string when the text is invalid. Pure.
//
// The upstream is only scheme, host and port: a path, query or credentials would be joined
// to every forwarded request in ways a reader of the policy cannot see, so they are refused
// rather than interpreted.
import ipaddr from 'ipaddr.js';
import { isDottedQuad } from '../../common/formats.js';

/** An HTTP resource as compiled: where the proxy forwards, the Host it serves, clientless access. */
export interface HttpResourceSpec {
  /** Canonical "http(s)://host[:port]" (lower case, no trailing slash). */
  upstream: string;
  /** Lower-case DNS name, unique across the policy. */
  hostname: string;
  /** Reachable from a browser without the tunnel (after signing in). */
  public: boolean;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Upstream addresses the gateway must never forward to (nothing there, or the gateway itself). */
const UNROUTABLE = new Set(['unspecified', 'broadcast', 'multicast', 'loopback']);
const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/** Whether `name` is a DNS name of `minLabels` or more labels (a-z, 0-9, '-'), not all-numeric at the end. */
function isDnsName(name: string, minLabels: number): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= minLabels && labels.every((l) => LABEL.test(l)) && !/^[0-9]+$/.test(labels.at(-1)!);
}

/** The hostname of an HTTP resource, or the reason it is invalid. */
export function parseHostname(text: string): string | { error: string } {
  if (text !== text.toLowerCase()) return { error: `invalid hostname "${text}": write it in lower case ("${text.toLowerCase()}")` };
  if (!isDnsName(text, 2)) {
    return { error: `invalid hostname "${text}": a DNS name of at least two labels (a-z, 0-9, '-'), at most 253 characters, e.g. wiki.corp.example` };
  }
  return text;
}

/** The upstream of an HTTP resource in canonical form, or the reason it is invalid. */
export function parseUpstream(text: string): string | { error: string } {
  const bad = (why: string) => ({ error: `invalid upstream "${text}": ${why}` });
  const m = URL_SHAPE.exec(text);
  if (!m) return bad('use http://HOST[:PORT] or https://HOST[:PORT]');
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!;
  if (scheme !== 'http' && scheme !== 'https') return bad('the scheme must be http or https');
  if (m[3] !== '' && m[3] !== '/') return bad('no path, query or fragment (the proxy forwards the request path as asked)');
  if (authority.includes('@')) return bad('no credentials in the URL');
  if (authority.startsWith('[')) return bad('IPv6 upstreams are not supported');
  const colon = authority.lastIndexOf(':');
  const host = (colon < 0 ? authority : authority.slice(0, colon)).toLowerCase();
  const portText = colon < 0 ? undefined : authority.slice(colon + 1);
  if (host === '') return bad('the host is missing');
  if (portText !== undefined) {
    const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : 0;
    if (port < 1 || port > 65535) return bad(`invalid port "${portText}": ports are 1-65535`);
  }
  if (/^[0-9.]+$/.test(host)) {
    if (!isDottedQuad(host)) return bad(`invalid IPv4 address "${host}"`);
    const range = ipaddr.IPv4.parse(host).range();
    if (UNROUTABLE.has(range)) return bad(`address "${host}" is ${range} and cannot be an upstream`);
  } else if (!isDnsName(host, 1) || host === 'localhost') {
    return bad(`invalid host "${host}": an IPv4 address or a DNS name`);
  }
  const port = portText === undefined ? '' : `:${Number(portText)}`;
  return `${scheme}://${host}${port}`;
}
