// Which HTTP requests a grant allows: upper-case methods and path patterns, where `*` is one
// path segment and `**` any number of them (none included). Shared by the policy engine
// (validation, explain, embedded tests) and the gateway's proxy (every request), so the two
// can never disagree about what a pattern means. Pure.
//
// A request path is made canonical before it is matched, and the proxy forwards the canonical
// form: what is checked is exactly what the upstream receives. Dot segments are resolved,
// empty segments dropped, percent-escapes decoded for matching; a path that escapes the root,
// or whose escapes hide a '/', '\' or NUL, is refused rather than guessed at, because an
// upstream might read it another way than the check did.

/** What one grant allows of one HTTP resource; an empty list allows every method or path. */
export interface HttpRule {
  methods: readonly string[];
  paths: readonly string[];
}

/** RFC 9110 token characters: what a method may be made of. */
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;
const SEGMENT = /^(?:\*\*?|[A-Za-z0-9._~!$&'()+,;=:@%-]+)$/;

/** A method as a rule names it (upper case), or the reason it is invalid. */
export function parseMethod(text: string): string | { error: string } {
  if (!METHOD.test(text)) return { error: `invalid HTTP method "${text}"` };
  return text.toUpperCase();
}

/**
 * Checks a path pattern: it starts with '/', and each segment is `*`, `**` or literal
 * characters (no wildcard inside a segment). Returns the reason when it is invalid.
 */
export function checkPathPattern(pattern: string): string | undefined {
  if (!pattern.startsWith('/')) return `invalid path pattern "${pattern}": it must start with /`;
  if (pattern.length > 1024) return `invalid path pattern "${pattern.slice(0, 40)}...": longer than 1024 characters`;
  const segments = pattern.slice(1).split('/');
  if (pattern === '/') return undefined;
  for (const s of segments) {
    if (s === '' ) return `invalid path pattern "${pattern}": empty segment`;
    if (s === '.' || s === '..') return `invalid path pattern "${pattern}": dot segments are not allowed`;
    if (!SEGMENT.test(s)) return `invalid path pattern "${pattern}": "${s}" (use * for one segment, ** for any number, alone in their segment)`;
  }
  return undefined;
}

/** A request path made canonical: `segments` decoded (for matching), `path` encoded (to forward). */
export interface CanonicalPath {
  path: string;
  segments: string[];
}

/**
 * The canonical form of a request target's path (the query, if any, is left out), or the
 * reason it is refused.
 */
export function canonicalPath(target: string): CanonicalPath | { error: string } {
  const q = target.search(/[?#]/);
  const raw = q < 0 ? target : target.slice(0, q);
  if (!raw.startsWith('/')) return { error: 'the request path must start with /' };
  const segments: string[] = [];
  const encoded: string[] = [];
  for (const part of raw.split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(part);
    } catch {
      return { error: 'the request path has an invalid percent-escape' };
    }
    if (/[/\\\0]/.test(s)) return { error: 'the request path hides "/", "\\" or NUL in a percent-escape' };
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segments.length === 0) return { error: 'the request path climbs above /' };
      segments.pop();
      encoded.pop();
      continue;
    }
    segments.push(s);
    encoded.push(encodeURIComponent(s).replace(/%(?:40|3A|2C|3B|3D|2B|24|26|21|27|28|29|2A)/gi, (e) => decodeURIComponent(e)));
  }
  const trailing = raw.length > 1 && raw.endsWith('/') && segments.length > 0 ? '/' : '';
  return { path: `/${encoded.join('/')}${trailing}`, segments };
}

/** Whether decoded path segments match a pattern (checked by checkPathPattern). */
export function pathMatches(pattern: string, segments: readonly string[]): boolean {
  const parts = pattern === '/' ? [] : pattern.slice(1).split('/');
  const match = (p: number, s: number): boolean => {
    if (p === parts.length) return s === segments.length;
    const part = parts[p]!;
    if (part === '**') {
      for (let k = s; k <= segments.length; k++) if (match(p + 1, k)) return true;
      return false;
    }
    if (s === segments.length) return false;
    return (part === '*' || part === segments[s]) && match(p + 1, s + 1);
  };
  return match(0, 0);
}

/** Whether one rule allows the request (method upper case, segments from canonicalPath). */
export function ruleAllows(rule: HttpRule, method: string, segments: readonly string[]): boolean {
  return (rule.methods.length === 0 || rule.methods.includes(method))
    && (rule.paths.length === 0 || rule.paths.some((p) => pathMatches(p, segments)));
}

/** A rule with the name of the grant behind it. */
export interface NamedHttpRule extends HttpRule {
  grant: string;
}

export type HttpDecision = { allowed: true; grant: string } | { allowed: false; reason: string };

/**
 * Decides a request against every rule the caller holds for a resource: allowed by the first
 * rule that allows it; otherwise the reason names what is missing — the method when no rule
 * allows it for any path, else the path.
 */
export function decideHttp(rules: readonly NamedHttpRule[], method: string, path: CanonicalPath, resource: string): HttpDecision {
  for (const r of rules) if (ruleAllows(r, method, path.segments)) return { allowed: true, grant: r.grant };
  if (rules.length === 0) return { allowed: false, reason: `no grant gives you ${resource}` };
  const methodOk = rules.filter((r) => r.methods.length === 0 || r.methods.includes(method));
  if (methodOk.length === 0) {
    const allowed = [...new Set(rules.flatMap((r) => r.methods))].join(', ');
    return { allowed: false, reason: `no grant allows method ${method} on ${resource} (allowed: ${allowed})` };
  }
  const paths = [...new Set(methodOk.flatMap((r) => r.paths))].join(', ');
  return { allowed: false, reason: `no grant allows ${method} ${path.path} on ${resource} (allowed paths for ${method}: ${paths})` };
}
