// diffPolicies: the blast radius of a policy change — for each user, the access gained and
// lost between two versions. Access here is *potential* access: every resource port a grant
// naming the user (directly or through a group) reaches, with the grant's conditions (MFA,
// posture, schedule, TTL) assumed satisfiable, so tightening a condition is not a loss. Pure.
import { grantsNaming, subjectGroups } from './evaluate.js';
import type { Grant, Policy } from './policy.js';
import { formatPortSpec } from './ports.js';

export interface DirectoryUser {
  name: string;
  groups: string[];
}

/**
 * One user's change: items like "db:tcp/5432", "app:tcp/8000-8099", "router:icmp" and, for
 * HTTP resources, "wiki:GET /docs/*" ("wiki:any /**" when a grant has no http rules), sorted.
 */
export interface AccessChange {
  user: string;
  gained: string[];
  lost: string[];
}

const grantItems = new WeakMap<Grant, string[]>();

/**
 * The requests a grant allows of an HTTP resource, one item per method and path pattern.
 * "any" stands for every method: methods are upper case, so it cannot be one.
 */
function httpItems(name: string, grant: Grant): string[] {
  const methods = grant.http?.methods.length ? grant.http.methods : ['any'];
  const paths = grant.http?.paths.length ? grant.http.paths : ['/**'];
  return methods.flatMap((m) => paths.map((p) => `${name}:${m} ${p}`));
}

/** The "resource:port" and "resource:METHOD /path" items one grant reaches (computed once per compiled grant). */
function itemsOf(policy: Policy, grant: Grant): string[] {
  let items = grantItems.get(grant);
  if (!items) {
    items = grant.resources.flatMap((name) => {
      const r = policy.resources.get(name)!;
      return r.http ? httpItems(name, grant) : r.ports.map((p) => `${name}:${formatPortSpec(p)}`);
    });
    grantItems.set(grant, items);
  }
  return items;
}

/** Every "resource:port" item the user could reach under the policy. */
export function potentialAccess(policy: Policy, user: string, directoryGroups: readonly string[]): Set<string> {
  const items = new Set<string>();
  for (const i of grantsNaming(policy, user, subjectGroups(policy, user, directoryGroups))) {
    for (const item of itemsOf(policy, policy.grants[i]!)) items.add(item);
  }
  return items;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Users considered: the directory's users and every user named in either policy. Only users
 * whose access changes are listed, sorted by name. `before` null means no policy was applied.
 */
export function diffPolicies(before: Policy | null, after: Policy, directory: readonly DirectoryUser[]): AccessChange[] {
  const groupsOf = new Map(directory.map((u) => [u.name, u.groups]));
  const users = new Set([...groupsOf.keys(), ...(before?.users ?? []), ...after.users]);
  const changes: AccessChange[] = [];
  for (const user of [...users].sort(byCodePoint)) {
    const groups = groupsOf.get(user) ?? [];
    const was = before ? potentialAccess(before, user, groups) : new Set<string>();
    const is = potentialAccess(after, user, groups);
    const gained = [...is].filter((x) => !was.has(x)).sort(byCodePoint);
    const lost = [...was].filter((x) => !is.has(x)).sort(byCodePoint);
    if (gained.length > 0 || lost.length > 0) changes.push({ user, gained, lost });
  }
  return changes;
}
