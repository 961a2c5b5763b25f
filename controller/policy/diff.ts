// diffPolicies: the blast radius of a policy change — for each user, the access gained and
// lost between two versions. Access here is *potential* access: every resource port, and
// every method and path pattern of an HTTP resource, that a grant naming the user (directly
// or through a group) reaches, with the grant's conditions (MFA, posture, schedule, TTL,
// tunnel) assumed satisfiable, so tightening a condition is not a loss. A request item
// covered by another ("GET /docs/*" by "any /docs/**") is neither gained nor lost. Pure.
import { grantsNaming, subjectGroups } from './evaluate.js';
import type { Grant, Policy } from './policy.js';
import { patternCovers } from './pattern-cover.js';
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

interface HttpItem {
  resource: string;
  method: string;
  pattern: string;
}

/** An item of access; HTTP items keep their parts so that coverage can be decided. */
interface Item {
  text: string;
  http?: HttpItem;
}

const grantItems = new WeakMap<Grant, Item[]>();

/** "any" stands for every method: methods are upper case, so it cannot be one. */
const ANY_METHOD = 'any';

/** The requests a grant allows of an HTTP resource, one item per method and path pattern. */
function httpItems(resource: string, grant: Grant): Item[] {
  const methods = grant.http?.methods.length ? grant.http.methods : [ANY_METHOD];
  const paths = grant.http?.paths.length ? grant.http.paths : ['/**'];
  return methods.flatMap((method) => paths.map((pattern) => ({ text: `${resource}:${method} ${pattern}`, http: { resource, method, pattern } })));
}

/** The "resource:port" and "resource:METHOD /path" items one grant reaches (computed once per compiled grant). */
function itemsOf(policy: Policy, grant: Grant): Item[] {
  let items = grantItems.get(grant);
  if (!items) {
    items = grant.resources.flatMap((name) => {
      const r = policy.resources.get(name)!;
      return r.http ? httpItems(name, grant) : r.ports.map((p) => ({ text: `${name}:${formatPortSpec(p)}` }));
    });
    grantItems.set(grant, items);
  }
  return items;
}

/** Every item the user could reach under the policy, by text. */
export function potentialAccess(policy: Policy, user: string, directoryGroups: readonly string[]): Map<string, Item> {
  const items = new Map<string, Item>();
  for (const i of grantsNaming(policy, user, subjectGroups(policy, user, directoryGroups))) {
    for (const item of itemsOf(policy, policy.grants[i]!)) items.set(item.text, item);
  }
  return items;
}

/**
 * The items of `from` that `by` does not cover: ports by their exact text (as before HTTP
 * resources), requests when no item of `by` for the resource allows the method and covers
 * the path pattern.
 */
function uncovered(from: Map<string, Item>, by: Map<string, Item>): string[] {
  const httpBy = new Map<string, HttpItem[]>();
  for (const { http } of by.values()) {
    if (!http) continue;
    const list = httpBy.get(http.resource);
    if (list) list.push(http);
    else httpBy.set(http.resource, [http]);
  }
  return [...from.values()].filter((item) => {
    if (by.has(item.text)) return false;
    const x = item.http;
    if (!x) return true;
    return !(httpBy.get(x.resource) ?? []).some((y) => (y.method === ANY_METHOD || y.method === x.method) && patternCovers(y.pattern, x.pattern));
  }).map((item) => item.text);
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
    const was = before ? potentialAccess(before, user, groups) : new Map<string, Item>();
    const is = potentialAccess(after, user, groups);
    const gained = uncovered(is, was).sort(byCodePoint);
    const lost = uncovered(was, is).sort(byCodePoint);
    if (gained.length > 0 || lost.length > 0) changes.push({ user, gained, lost });
  }
  return changes;
}
