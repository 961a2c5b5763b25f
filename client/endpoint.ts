// Derives the controller's API endpoint from the login reply, which reports the address the
// API port listens on (often unspecified, 0.0.0.0:PORT) rather than one a client can dial.
import ipaddr from 'ipaddr.js';
import { splitHostPort } from '../common/pki.js';

/** The inverse of splitHostPort (brackets around IPv6 literals). */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for "", 0.0.0.0 and :: — addresses a server listens on but a client cannot dial. */
export function isUnspecifiedHost(host: string): boolean {
  return host === '' || (ipaddr.isValid(host) && ipaddr.parse(host).range() === 'unspecified');
}

/**
 * Where to dial the API port, given the controller's `api_endpoint` (":PORT", "0.0.0.0:PORT",
 * "[::]:PORT" or a real "HOST:PORT") and the auth endpoint the user dialled for login: an
 * unspecified host is replaced by the auth host, which is known to reach the controller.
 */
export function deriveApiEndpoint(apiEndpoint: string, authEndpoint: string): string {
  const auth = splitHostPort(authEndpoint);
  const text = apiEndpoint.trim();
  if (text === '') throw new Error('the controller did not say where its API port is (empty api_endpoint); pass --api-endpoint HOST:PORT');
  const api = text.startsWith(':') ? { host: '', port: splitHostPort(`0.0.0.0${text}`).port } : splitHostPort(text);
  return formatHostPort(isUnspecifiedHost(api.host) ? auth.host : api.host, api.port);
}

/**
 * The API endpoint of every controller of the login's list (same order as `authEndpoints`),
 * from the reply of the one that answered (`answered`). Only that controller says where its
 * API port is; the others are taken to listen on the same port (they run with the same
 * configuration) on the host the client dials for their auth port. `override` (--api-endpoint)
 * names them all instead, one per controller.
 */
export function apiEndpointsFor(authEndpoints: readonly string[], reported: string, answered: number, override?: readonly string[]): string[] {
  if (override) {
    if (override.length !== authEndpoints.length) {
      throw new Error(`--api-endpoint names ${override.length} endpoint(s) for ${authEndpoints.length} controller(s): give one per controller, in the same order`);
    }
    return [...override];
  }
  const own = deriveApiEndpoint(reported, authEndpoints[answered]!);
  const port = splitHostPort(own).port;
  return authEndpoints.map((auth, i) => (i === answered ? own : formatHostPort(splitHostPort(auth).host, port)));
}
