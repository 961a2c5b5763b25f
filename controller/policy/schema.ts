// The structure of a policy file as zod schemas (strict objects: unknown keys are errors).
// Field-level formats (names, ports, addresses, durations, schedules, time zones) are parsed
// here into their typed forms; cross-references are checked afterwards in references.ts.
import { z } from 'zod';
import { parseDuration } from '../../common/duration.js';
import { checkPathPattern, parseMethod } from '../../common/http-rules.js';
import { parseResourceAddress, type ResourceAddress } from './address.js';
import { parseHostname, parseUpstream, type HttpResourceSpec } from './http-resource.js';
import { parseHttpRequest, type HttpRequest } from './http-request.js';
import { parsePortSpec, type PortSpec } from './ports.js';
import { isValidTimeZone, parseDays, parseHours } from './schedule.js';
import { parseVersion } from './version.js';

/** Names of users, groups, resources, postures, gateways and grants (as the API validates them). */
export const NAME_PATTERN = /^(?!__proto__$)[A-Za-z0-9._@-]{1,64}$/;
const NAME_RULE = "1-64 letters, digits, '.', '_', '-' or '@'";
/** The longest session_ttl a grant may give. */
export const MAX_SESSION_TTL_MS = 365 * 86_400_000;

function name(what: string) {
  return z.string({ error: (i) => (i.input === undefined ? `${what} name is required` : `expected a ${what} name (a string)`) })
    .regex(NAME_PATTERN, { error: (i) => `invalid ${what} name "${String(i.input)}": ${NAME_RULE}` });
}

/** A string parsed by `parse`, which returns the reason as a string when the text is invalid. */
function parsedString<T>(expected: string, parse: (text: string) => T | string) {
  return z.string({ error: expected }).transform((text, ctx): T => {
    const result = parse(text);
    if (typeof result === 'string') {
      ctx.addIssue({ code: 'custom', message: result });
      return z.NEVER;
    }
    return result;
  });
}

/** A list whose items must be distinct (by `key`); a repeat is reported at its own index. */
function uniqueList<T extends z.ZodType>(item: T, what: string, key: (v: z.output<T>) => string = String, missing?: string) {
  return z.array(item, { error: (i) => (i.input === undefined && missing ? missing : `expected a list of ${what}`) }).superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((v, i) => {
      const k = key(v);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `duplicate ${what.replace(/s$/, '')} "${k}"`, path: [i] });
      seen.add(k);
    });
  });
}

function required(what: string) {
  return (i: { input: unknown }) => (i.input === undefined ? `${what} is required` : `expected ${what}`);
}

/**
 * Identity-provider groups (`group:idp:NAME`, from the group claim of a single sign-on) are
 * groups named `idp:NAME`: directory and policy group names cannot contain ':', so nothing
 * else can pose as one. They need no declaration. NAME is as providers spell groups
 * (Keycloak paths like /eng/sre, Entra ID object ids).
 */
export const IDP_GROUP_PREFIX = 'idp:';
export const IDP_GROUP_PATTERN = /^[A-Za-z0-9._@/-]{1,128}$/;
const IDP_GROUP_RULE = "1-128 letters, digits, '.', '_', '-', '@' or '/'";

export const isIdpGroup = (group: string) => group.startsWith(IDP_GROUP_PREFIX);

/** An identity-provider group name as `idp:NAME`, or the reason it is invalid. */
function idpGroup(text: string, n: string): string | { name: string } {
  return IDP_GROUP_PATTERN.test(n) ? { name: `${IDP_GROUP_PREFIX}${n}` } : `invalid identity-provider group name "${n}" in "${text}": ${IDP_GROUP_RULE}`;
}

/** A test's directory group: a group name or `idp:NAME`. */
const testGroup = z.string({ error: 'expected a group name' }).superRefine((text, ctx) => {
  const g = isIdpGroup(text) ? idpGroup(text, text.slice(IDP_GROUP_PREFIX.length)) : NAME_PATTERN.test(text) ? undefined : `invalid group name "${text}": ${NAME_RULE} (or idp:NAME)`;
  if (typeof g === 'string') ctx.addIssue({ code: 'custom', message: g });
});

/** A grant's subject: a user name, `group:NAME` or `group:idp:NAME` (name `idp:NAME`). */
export type Principal = { kind: 'user' | 'group'; name: string };

const principal = parsedString<Principal>('expected a user name or group:NAME', (text) => {
  if (text.startsWith(`group:${IDP_GROUP_PREFIX}`)) {
    const g = idpGroup(text, text.slice(`group:${IDP_GROUP_PREFIX}`.length));
    return typeof g === 'string' ? g : { kind: 'group', name: g.name };
  }
  const group = text.startsWith('group:');
  const n = group ? text.slice('group:'.length) : text;
  if (!NAME_PATTERN.test(n)) return `invalid ${group ? 'group' : 'user'} name "${n}" in "${text}": ${NAME_RULE}`;
  return { kind: group ? 'group' : 'user', name: n };
});

const duration = parsedString<number>('expected a duration like 8h or 30m', (text) => {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    return (err as Error).message;
  }
  if (ms <= 0) return `invalid duration "${text}": must be longer than 0`;
  if (ms > MAX_SESSION_TTL_MS) return `invalid duration "${text}": at most 365d`;
  return ms;
});

const versionString = (what: string, pattern: RegExp, example: string) =>
  z.string({ error: `expected ${what} as a quoted string, e.g. "${example}"` })
    .refine((v) => pattern.test(v) && parseVersion(v) !== undefined, { error: (i) => `invalid ${what} "${String(i.input)}", e.g. "${example}"` });

export const postureSchema = z.strictObject({
  os: uniqueList(z.string({ error: 'expected an OS name' }).regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'OS names are lower case, e.g. linux, macos, windows' }), 'OS names')
    .min(1, { error: 'os needs at least one OS name' }).optional(),
  min_client_version: versionString('a client version', /^[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?$/, '1.4.0').optional(),
  min_os_version: versionString('an OS version', /^[0-9]+(\.[0-9]+)*$/, '6.1').optional(),
  disk_encryption: z.boolean({ error: 'expected true or false' }).optional(),
  firewall: z.boolean({ error: 'expected true or false' }).optional(),
});

/** A string parsed by a helper that returns `{ error }` when the text is invalid. */
function checkedString(expected: string, parse: (text: string) => string | { error: string }) {
  return z.string({ error: expected }).transform((text, ctx): string => {
    const result = parse(text);
    if (typeof result === 'string') return result;
    ctx.addIssue({ code: 'custom', message: result.error });
    return z.NEVER;
  });
}

const httpResourceSchema = z.strictObject({
  upstream: checkedString('expected an upstream URL like http://10.20.0.10:8080', parseUpstream),
  hostname: checkedString('expected a hostname like wiki.corp.example', parseHostname),
  public: z.boolean({ error: 'expected true or false' }).optional(),
}, { error: required('http: { upstream, hostname, public }') });

const RESOURCE_SHAPE = 'a resource: { address, ports, gateway } or { http: { upstream, hostname }, gateway }';

/** The most gateways a resource may name: a primary and up to three standbys. */
export const MAX_GATEWAYS = 4;

/** `gateway: dc1` or `gateway: [dc1a, dc1b]`: the gateways in order, the first the primary. */
const gatewaySchema = z.union([
  name('gateway'),
  uniqueList(name('gateway'), 'gateways')
    .min(1, { error: 'gateway needs at least one gateway name' })
    .max(MAX_GATEWAYS, { error: `at most ${MAX_GATEWAYS} gateways: a primary and up to ${MAX_GATEWAYS - 1} standbys` }),
], { error: (i) => (i.input === undefined ? 'gateway name is required' : `expected a gateway name or a list of 1-${MAX_GATEWAYS} gateway names (the first is the primary)`) });

const ADDRESS_FORMS = 'an IPv4 or IPv6 address or prefix, a DNS name or a "*." wildcard';

/**
 * A network resource (`address`, `ports`) or an HTTP resource (`http`), both with `gateway`
 * (a network resource may list standbys after its primary);
 * compiled to one shape with `http: null` or `address: null, ports: null` on the other side.
 */
export const resourceSchema = z.strictObject({
  address: parsedString(`expected an address (${ADDRESS_FORMS})`, parseResourceAddress).optional(),
  ports: uniqueList(parsedString('expected a port like tcp/443, udp/53, tcp/8000-8099 or icmp', parsePortSpec), 'ports',
    (p) => `${p.protocol}/${p.portFrom}-${p.portTo}`)
    .min(1, { error: 'a resource needs at least one port' }).optional(),
  http: httpResourceSchema.optional(),
  gateway: gatewaySchema,
}, { error: required(RESOURCE_SHAPE) }).transform((r, ctx): ResourceDocument => {
  const [gateway = '', ...standbyGateways] = typeof r.gateway === 'string' ? [r.gateway] : r.gateway;
  if (r.http && r.address !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['http'], message: 'a resource has either address (a network resource) or http (an HTTP resource), not both' });
    return z.NEVER;
  }
  if (r.http) {
    if (r.ports !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['ports'], message: 'an HTTP resource has no ports: the gateway\'s proxy serves it on its hostname' });
      return z.NEVER;
    }
    if (typeof r.gateway !== 'string') {
      // Browsers reach the proxy by the hostname's one address: nothing could fail over.
      ctx.addIssue({ code: 'custom', path: ['gateway'], message: `an HTTP resource has one gateway (its proxy serves the hostname), not a list: write gateway: ${gateway}` });
      return z.NEVER;
    }
    return { http: { upstream: r.http.upstream, hostname: r.http.hostname, public: r.http.public ?? false }, address: null, ports: null, gateway, standbyGateways };
  }
  if (r.address === undefined) {
    ctx.addIssue({ code: 'custom', path: ['address'], message: `expected an address (${ADDRESS_FORMS}) with ports, or http: { upstream, hostname } for an HTTP resource` });
    return z.NEVER;
  }
  if (r.ports === undefined) {
    ctx.addIssue({ code: 'custom', path: ['ports'], message: 'a resource needs at least one port (ports is required with address)' });
    return z.NEVER;
  }
  return { address: r.address, ports: r.ports, http: null, gateway, standbyGateways };
});

/** A resource as validated: exactly one of the network side (address, ports) and the HTTP side. */
export type ResourceDocument =
  | { address: ResourceAddress; ports: PortSpec[]; http: null; gateway: string; standbyGateways: string[] }
  | { address: null; ports: null; http: HttpResourceSpec; gateway: string; standbyGateways: string[] };

const scheduleSchema = z.strictObject({
  days: z.array(z.string({ error: 'expected a day like mon or mon-fri' }), { error: 'expected a list of days' })
    .min(1, { error: 'days needs at least one day' })
    .transform((items, ctx) => {
      const mask = parseDays(items);
      if (typeof mask === 'string') {
        ctx.addIssue({ code: 'custom', message: mask });
        return z.NEVER;
      }
      return { mask, text: items.join(',') };
    }).optional(),
  hours: parsedString('expected hours like "07:00-19:00"', (text) => {
    const hours = parseHours(text);
    return typeof hours === 'string' ? hours : { ...hours, text };
  }).optional(),
  tz: z.string({ error: 'expected an IANA time zone like Europe/Berlin' })
    .refine(isValidTimeZone, { error: (i) => `unknown time zone "${String(i.input)}": use an IANA name like Europe/Berlin or UTC` }).optional(),
});

/** A just-in-time grant: who may approve a request, for how long at most, whether a reason is needed. */
const requestableSchema = z.strictObject({
  approvers: uniqueList(principal, 'approvers', (p) => (p.kind === 'group' ? `group:${p.name}` : p.name), 'requestable needs approvers (users and group:NAME)')
    .min(1, { error: 'requestable needs at least one approver' }),
  max_duration: duration,
  reason_required: z.boolean({ error: 'expected true or false' }).optional(),
}, { error: required('requestable: { approvers, max_duration, reason_required }') });

/**
 * Which requests a grant allows of its HTTP resources. An absent list allows everything; an
 * empty one is refused, because `methods: []` reads as "none" but would mean "all".
 */
const httpRuleSchema = z.strictObject({
  methods: uniqueList(checkedString('expected an HTTP method like GET', parseMethod), 'methods')
    .min(1, { error: 'methods needs at least one method (leave it out to allow every method)' }).optional(),
  paths: uniqueList(z.string({ error: 'expected a path pattern like /docs/*' }).superRefine((text, ctx) => {
    const reason = checkPathPattern(text);
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: reason });
  }), 'paths')
    .min(1, { error: 'paths needs at least one pattern (leave it out to allow every path)' }).optional(),
}, { error: required('http: { methods, paths }') });

export const grantSchema = z.strictObject({
  name: name('grant'),
  to: uniqueList(principal, 'principals', (p) => (p.kind === 'group' ? `group:${p.name}` : p.name), 'an empty grant: `to` (users and group:NAME) is required')
    .min(1, { error: 'an empty grant: `to` needs at least one user or group:NAME' }),
  resources: uniqueList(name('resource'), 'resources', String, 'an empty grant: `resources` is required')
    .min(1, { error: 'an empty grant: `resources` needs at least one resource' }),
  require: z.strictObject({
    mfa: z.boolean({ error: 'expected true or false' }).optional(),
    posture: uniqueList(name('posture'), 'postures').optional(),
    tunnel: z.boolean({ error: 'expected true or false' }).optional(),
  }).optional(),
  http: httpRuleSchema.optional(),
  session_ttl: duration.optional(),
  schedule: scheduleSchema.optional(),
  requestable: requestableSchema.optional(),
}, { error: required('a grant: { name, to, resources, ... }') });

/**
 * A test expectation item: "resource", "resource:tcp/443" (a network resource's port) or
 * "resource:GET/docs/a" (a request to an HTTP resource: an upper-case method, then the path).
 * Port specs are lower case, so "tcp/443" can never be read as a method and a path.
 */
export const testItem = parsedString<{ resource: string; spec?: PortSpec; request?: HttpRequest; text: string }>(
  'expected "resource", "resource:tcp/443" or "resource:GET/path"', (text) => {
    const colon = text.indexOf(':');
    const resource = colon < 0 ? text : text.slice(0, colon);
    if (!NAME_PATTERN.test(resource)) return `invalid resource name "${resource}" in "${text}"`;
    if (colon < 0) return { resource, text };
    const rest = text.slice(colon + 1);
    const slash = rest.indexOf('/');
    if (slash < 0 || ['tcp', 'udp'].includes(rest.slice(0, slash))) {
      const spec = parsePortSpec(rest);
      return typeof spec === 'string' ? spec : { resource, spec, text };
    }
    const method = rest.slice(0, slash);
    if (method === '' || method !== method.toUpperCase()) return `invalid request "${rest}" in "${text}": write an upper-case method, then the path (GET/docs/a)`;
    const request = parseHttpRequest(method, rest.slice(slash));
    return typeof request === 'string' ? `${request} in "${text}"` : { resource, request, text };
  });

export const testSchema = z.strictObject({
  user: name('user'),
  groups: uniqueList(testGroup, 'groups').optional(),
  posture: z.strictObject({
    os: z.string({ error: 'expected a string' }).optional(),
    os_version: z.string({ error: 'expected a string' }).optional(),
    client_version: z.string({ error: 'expected a quoted string' }).optional(),
    disk_encryption: z.boolean({ error: 'expected true or false' }).optional(),
    firewall: z.boolean({ error: 'expected true or false' }).optional(),
    hostname: z.string({ error: 'expected a string' }).optional(),
  }).optional(),
  at: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time with zone, e.g. 2025-06-02T09:00:00+02:00' }).optional(),
  mfa: z.boolean({ error: 'expected true or false' }).optional(),
  allow: z.array(testItem, { error: 'expected a list of resources (and ports or requests)' }).optional(),
  deny: z.array(testItem, { error: 'expected a list of resources (and ports or requests)' }).optional(),
}, { error: required('a test: { user, allow, deny, ... }') })
  .refine((t) => (t.allow?.length ?? 0) + (t.deny?.length ?? 0) > 0, { error: 'a test needs at least one allow or deny item' });

export const policySchema = z.strictObject({
  gateways: uniqueList(name('gateway'), 'gateways').optional(),
  groups: z.record(name('group'), uniqueList(name('user'), 'users'), { error: 'expected a mapping of group name to users' }).optional(),
  postures: z.record(name('posture'), postureSchema, { error: 'expected a mapping of posture name to requirements' }).optional(),
  resources: z.record(name('resource'), resourceSchema, { error: 'expected a mapping of resource name to { address, ports, gateway } or { http, gateway }' }).optional(),
  grants: z.array(grantSchema, { error: 'expected a list of grants' }).optional(),
  tests: z.array(testSchema, { error: 'expected a list of tests' }).optional(),
}, { error: 'a policy file is a mapping with keys gateways, groups, postures, resources, grants, tests' });

export type PolicyDocument = z.output<typeof policySchema>;
export type GrantDocument = z.output<typeof grantSchema>;
export type TestDocument = z.output<typeof testSchema>;
export type TestItem = z.output<typeof testItem>;
