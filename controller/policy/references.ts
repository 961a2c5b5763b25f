// Cross-reference checks of a structurally valid policy document: every name a grant or
// test uses is declared, names are unique, gateways are known, and resources that can meet
// on a destination name the same gateways. Pure: returns errors with their YAML paths.
import type { ResourceAddress } from './address.js';
import { formatPortSpec, portSpecsOverlap } from './ports.js';
import { isIdpGroup, type PolicyDocument } from './schema.js';
import type { Path } from './source.js';

/** Own-property lookup: names come from the file, so "constructor" must not find Object's. */
export function declares(record: Record<string, unknown> | undefined, name: string): boolean {
  return record !== undefined && Object.hasOwn(record, name);
}

export interface PathError {
  path: Path;
  message: string;
  /** Point at the key rather than the value (for problems with a name). */
  atKey?: boolean;
}

/** Users the policy names: members of its groups and users named directly in grants. */
export function namedUsers(doc: PolicyDocument): Set<string> {
  const users = new Set<string>(Object.values(doc.groups ?? {}).flat());
  for (const grant of doc.grants ?? []) {
    for (const p of grant.to) if (p.kind === 'user') users.add(p.name);
  }
  return users;
}

/** "gateway dc1" or "gateways [dc1a, dc1b]", as a resource names them. */
function describeGateways(gateways: readonly string[]): string {
  return gateways.length === 1 ? `gateway ${gateways[0]}` : `gateways [${gateways.join(', ')}]`;
}

interface Placed {
  name: string;
  /** Position in the file. */
  at: number;
  /** Primary first, then the standbys in order, joined: equal keys mean the same gateways. */
  key: string;
  gateways: string[];
  address: ResourceAddress;
}

/**
 * Calls `meet` for each pair of resources whose addresses can meet: IPv4 and IPv6 ranges by a
 * sweep in address order (only resources whose ranges intersect are compared), names and
 * wildcards by looking up every wildcard that could cover each one. IPv4 never meets IPv6,
 * and a name never meets an address (what it resolves to is unknown when the file is read).
 */
function forEachMeeting(placed: Placed[], meet: (a: Placed, b: Placed) => void): void {
  for (const family of [['ip', 'cidr'], ['ip6', 'cidr6']]) {
    const ranged = placed.flatMap((p) => (family.includes(p.address.kind) && 'first' in p.address ? [{ p, first: p.address.first, last: p.address.last }] : []))
      .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.last < b.last ? -1 : a.last > b.last ? 1 : a.p.at - b.p.at));
    let open: typeof ranged = [];
    for (const cur of ranged) {
      open = open.filter((o) => o.last >= cur.first);
      for (const o of open) meet(o.p, cur.p);
      open.push(cur);
    }
  }
  const byText = new Map<string, Placed[]>();
  for (const p of placed) {
    if (p.address.kind !== 'name' && p.address.kind !== 'wildcard') continue;
    const same = byText.get(p.address.text);
    if (same) same.push(p);
    else byText.set(p.address.text, [p]);
  }
  for (const [text, list] of byText) {
    list.forEach((p, i) => list.slice(0, i).forEach((q) => meet(q, p)));
    // The wildcards that cover `text`: "*." and each proper suffix of its name part.
    const labels = (text.startsWith('*.') ? text.slice(2) : text).split('.');
    for (let i = 1; i < labels.length; i++) {
      for (const w of byText.get(`*.${labels.slice(i).join('.')}`) ?? []) for (const p of list) meet(w, p);
    }
  }
}

function checkResources(doc: PolicyDocument, errors: PathError[]): void {
  const resources = Object.entries(doc.resources ?? {});
  const declared = doc.gateways ? new Set(doc.gateways) : undefined;
  const hostnames = new Map<string, string>();
  for (const [name, r] of resources) {
    if (declared) {
      const listed = [r.gateway, ...r.standbyGateways];
      listed.forEach((g, i) => {
        if (declared.has(g)) return;
        const path = listed.length === 1 ? ['resources', name, 'gateway'] : ['resources', name, 'gateway', i];
        errors.push({ path, message: `unknown gateway "${g}" (declared gateways: ${[...declared].join(', ') || 'none'})` });
      });
    }
    if (r.http) {
      // The proxy picks the resource by the Host header: one hostname, one resource.
      const first = hostnames.get(r.http.hostname);
      if (first !== undefined) errors.push({ path: ['resources', name, 'http', 'hostname'], message: `hostname ${r.http.hostname} is already the hostname of resource ${first}` });
      else hostnames.set(r.http.hostname, name);
      continue;
    }
    r.ports.forEach((p, j) => {
      const earlier = r.ports.slice(0, j).find((q) => portSpecsOverlap(p, q));
      if (earlier) errors.push({ path: ['resources', name, 'ports', j], message: `${formatPortSpec(p)} overlaps ${formatPortSpec(earlier)} of the same resource` });
    });
  }
  // A destination is carried by its resource's gateways (the primary, else the first live
  // standby): two resources that can meet on one destination must name the same gateways,
  // or a packet's gateway would depend on which resource it is counted under. HTTP
  // resources have no address of their own (the proxy is on the gateway's service address).
  const placed = resources.flatMap(([name, r], at): Placed[] => {
    if (r.http) return [];
    const gateways = [r.gateway, ...r.standbyGateways];
    return [{ name, at, key: gateways.join(' '), gateways, address: r.address }];
  });
  // One error per resource, on the later of each clashing pair, naming the earliest partner.
  const clashes = new Map<Placed, Placed>();
  forEachMeeting(placed, (a, b) => {
    if (a.key === b.key) return;
    const [earlier, later] = a.at < b.at ? [a, b] : [b, a];
    const known = clashes.get(later);
    if (!known || earlier.at < known.at) clashes.set(later, earlier);
  });
  for (const [cur, clash] of clashes) {
    errors.push({
      path: ['resources', cur.name, 'address'],
      message: `${cur.address.text} on ${describeGateways(cur.gateways)} overlaps resource ${clash.name} (${clash.address.text}) on ${describeGateways(clash.gateways)}: resources whose destinations overlap must have the same gateways`,
    });
  }
}

function checkGrants(doc: PolicyDocument, errors: PathError[]): void {
  const seen = new Set<string>();
  const users = namedUsers(doc);
  (doc.grants ?? []).forEach((g, i) => {
    if (seen.has(g.name)) errors.push({ path: ['grants', i, 'name'], message: `duplicate grant name "${g.name}"` });
    seen.add(g.name);
    g.to.forEach((p, j) => {
      if (p.kind === 'group' && !isIdpGroup(p.name) && !declares(doc.groups, p.name)) {
        errors.push({ path: ['grants', i, 'to', j], message: `unknown group "${p.name}": declare it under groups (with [] when its members come from the directory)` });
      }
    });
    g.resources.forEach((r, j) => {
      if (!declares(doc.resources, r)) errors.push({ path: ['grants', i, 'resources', j], message: `unknown resource "${r}"` });
    });
    if (g.http) {
      const network = g.resources.find((r) => declares(doc.resources, r) && doc.resources![r]!.http === null);
      if (network !== undefined) {
        errors.push({ path: ['grants', i, 'http'], message: `http rules apply only to HTTP resources, and ${network} is a network resource (put it in a grant of its own)` });
      }
    }
    g.requestable?.approvers.forEach((p, j) => {
      const path = ['grants', i, 'requestable', 'approvers', j];
      if (p.kind === 'group' && !isIdpGroup(p.name) && !declares(doc.groups, p.name)) errors.push({ path, message: `unknown approver group "${p.name}": declare it under groups` });
      if (p.kind === 'user' && !users.has(p.name)) {
        errors.push({ path, message: `unknown approver "${p.name}": not named in any group or grant (list approvers in a group, e.g. groups: { approvers: [${p.name}] })` });
      }
    });
    g.require?.posture?.forEach((p, j) => {
      if (!declares(doc.postures, p)) errors.push({ path: ['grants', i, 'require', 'posture', j], message: `unknown posture "${p}"` });
    });
  });
}

function checkTests(doc: PolicyDocument, errors: PathError[]): void {
  const users = namedUsers(doc);
  (doc.tests ?? []).forEach((t, i) => {
    if (!users.has(t.user) && t.groups === undefined) {
      errors.push({ path: ['tests', i, 'user'], message: `unknown user "${t.user}": not named in any group or grant (give its directory groups with groups:, [] for none)` });
    }
    t.groups?.forEach((g, j) => {
      if (!isIdpGroup(g) && !declares(doc.groups, g)) errors.push({ path: ['tests', i, 'groups', j], message: `unknown group "${g}"` });
    });
    const allowed = new Set((t.allow ?? []).map((item) => JSON.stringify(item)));
    for (const list of ['allow', 'deny'] as const) {
      t[list]?.forEach((item, j) => {
        const path = ['tests', i, list, j];
        if (!declares(doc.resources, item.resource)) {
          errors.push({ path, message: `unknown resource "${item.resource}"` });
          return;
        }
        const http = doc.resources![item.resource]!.http;
        if (http && item.spec) errors.push({ path, message: `${item.resource} is an HTTP resource: name a request (${item.resource}:GET/path), not a port` });
        else if (!http && item.request) errors.push({ path, message: `${item.resource} is a network resource: name a port (${item.resource}:tcp/443), not a request` });
        else if (list === 'deny' && allowed.has(JSON.stringify(item))) errors.push({ path, message: `"${item.text}" is in both allow and deny` });
      });
    }
  });
}

/** Every cross-reference error of the document (empty when it is consistent). */
export function checkReferences(doc: PolicyDocument): PathError[] {
  const errors: PathError[] = [];
  checkResources(doc, errors);
  checkGrants(doc, errors);
  checkTests(doc, errors);
  return errors;
}
