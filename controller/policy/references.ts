// Cross-reference checks of a structurally valid policy document: every name a grant or
// test uses is declared, names are unique, gateways are known, and no destination is behind
// two gateways. Pure: returns errors with their YAML paths.
import { addressesOverlap } from './address.js';
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

function checkResources(doc: PolicyDocument, errors: PathError[]): void {
  const resources = Object.entries(doc.resources ?? {});
  const declared = doc.gateways ? new Set(doc.gateways) : undefined;
  for (const [name, r] of resources) {
    if (declared && !declared.has(r.gateway)) {
      errors.push({ path: ['resources', name, 'gateway'], message: `unknown gateway "${r.gateway}" (declared gateways: ${[...declared].join(', ') || 'none'})` });
    }
    r.ports.forEach((p, j) => {
      const earlier = r.ports.slice(0, j).find((q) => portSpecsOverlap(p, q));
      if (earlier) errors.push({ path: ['resources', name, 'ports', j], message: `${formatPortSpec(p)} overlaps ${formatPortSpec(earlier)} of the same resource` });
    });
  }
  // Sweep the resources in address order, comparing each with those still open: only
  // resources whose ranges intersect are ever compared.
  const ranged = resources.map(([name, r]) => ({ name, r, first: r.address.first, last: r.address.last }))
    .sort((a, b) => a.first - b.first || a.last - b.last);
  let open: typeof ranged = [];
  const report = (name: string, other: string) => {
    const a = doc.resources![name]!;
    const b = doc.resources![other]!;
    errors.push({
      path: ['resources', name, 'address'],
      message: `${a.address.text} on gateway ${a.gateway} overlaps resource ${other} (${b.address.text}) on gateway ${b.gateway}: a destination must be behind one gateway`,
    });
  };
  for (const cur of ranged) {
    open = open.filter((o) => o.last >= cur.first);
    const clash = open.find((o) => o.r.gateway !== cur.r.gateway && addressesOverlap(o.r.address, cur.r.address));
    if (clash) report(cur.name, clash.name);
    open.push(cur);
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
        if (!declares(doc.resources, item.resource)) errors.push({ path: ['tests', i, list, j], message: `unknown resource "${item.resource}"` });
        else if (list === 'deny' && allowed.has(JSON.stringify(item))) errors.push({ path: ['tests', i, list, j], message: `"${item.resource}${item.spec ? `:${formatPortSpec(item.spec)}` : ''}" is in both allow and deny` });
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
