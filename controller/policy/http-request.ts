// One HTTP request asked about by an embedded test or by explain ("GET" and "/docs/a"), and
// its decision under an evaluation: the rules the subject's entitlements give the resource,
// decided by common/http-rules exactly as the gateway's proxy decides a real request. Pure.
import { canonicalPath, decideHttp, parseMethod, type CanonicalPath, type HttpDecision, type NamedHttpRule } from '../../common/http-rules.js';

/** What this needs of an entitlement (structural: the evaluator imports the schema, which imports this). */
interface HttpEntitlement {
  resource: string;
  grant: string;
  http: { methods: readonly string[]; paths: readonly string[] } | null;
}

export interface HttpRequest {
  /** Upper case. */
  method: string;
  path: CanonicalPath;
}

/** A method and a request path, or the reason they are invalid. */
export function parseHttpRequest(method: string, path: string): HttpRequest | string {
  const m = parseMethod(method);
  if (typeof m !== 'string') return m.error;
  const p = canonicalPath(path);
  if ('error' in p) return `invalid request path "${path}": ${p.error}`;
  return { method: m, path: p };
}

/** "GET /docs/a" (the canonical path, as the proxy would forward it). */
export const formatHttpRequest = (r: HttpRequest) => `${r.method} ${r.path.path}`;

/** The HTTP rules the entitlements give `resource`, each named by its grant, in order. */
export function httpRulesOf(entitlements: readonly HttpEntitlement[], resource: string): NamedHttpRule[] {
  return entitlements.filter((e) => e.resource === resource && e.http).map((e) => ({ grant: e.grant, methods: e.http!.methods, paths: e.http!.paths }));
}

/** The proxy's decision on `request` for a subject holding `entitlements`. */
export function decideRequest(entitlements: readonly HttpEntitlement[], resource: string, request: HttpRequest): HttpDecision {
  return decideHttp(httpRulesOf(entitlements, resource), request.method, request.path, resource);
}
