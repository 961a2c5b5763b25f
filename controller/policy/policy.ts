// The compiled policy: the validated document turned into typed records plus the indexes
// that make evaluation cost proportional to the grants naming a subject (user -> groups,
// user -> grants, group -> grants, resource -> grants). Built once per parse. Pure.
import { createHash } from 'node:crypto';
import type { HttpRule } from '../../common/http-rules.js';
import type { ResourceAddress } from './address.js';
import type { HttpResourceSpec } from './http-resource.js';
import { EMPTY_POSTURE, type Posture, type PostureRequirement } from './posture.js';
import type { PortSpec } from './ports.js';
import { DAY_NAMES, type Schedule } from './schedule.js';
import type { PolicyDocument, TestItem } from './schema.js';
import type { Path } from './source.js';

/** A resource reached at an address on some ports through its gateway's WireGuard. */
export interface NetworkResource {
  name: string;
  /** The primary gateway; `standbyGateways` also serve it (`gateway: [dc1a, dc1b]`), in order. */
  gateway: string;
  standbyGateways: string[];
  address: ResourceAddress;
  ports: PortSpec[];
  http: null;
}

/** A resource served by its gateway's identity-aware proxy on a hostname (tcp/80 of the service address). */
export interface HttpResource {
  name: string;
  gateway: string;
  standbyGateways: string[];
  address: null;
  ports: null;
  http: HttpResourceSpec;
}

/** Either kind; `r.http === null` tells them apart. */
export type Resource = NetworkResource | HttpResource;

/** A just-in-time grant's terms: it gives nothing until a request for it is approved. */
export interface Requestable {
  approverUsers: string[];
  approverGroups: string[];
  /** The approvers as written: "dave", "group:db-approvers". */
  approvers: string[];
  maxDurationMs: number;
  reasonRequired: boolean;
}

export interface Grant {
  name: string;
  /** Position in the file: grants are reported in this order. */
  index: number;
  users: string[];
  groups: string[];
  resources: string[];
  mfa: boolean;
  postures: string[];
  /** The grant gives nothing to a browser signed in without the tunnel (clientless access). */
  tunnel: boolean;
  /** Which requests it allows of its HTTP resources (null: every request; only on HTTP resources). */
  http: HttpRule | null;
  sessionTtlMs: number | null;
  schedule: Schedule | null;
  requestable: Requestable | null;
}

export interface TestExpectation {
  /** The resource, optional port spec and the text as written ("wiki", "wiki:tcp/443"). */
  item: TestItem;
  /** Line of the item in the file. */
  line: number;
}

export interface PolicyTest {
  user: string;
  /** Directory groups given by the test. */
  groups: string[];
  posture: Posture;
  at: Date | undefined;
  mfa: boolean;
  allow: TestExpectation[];
  deny: TestExpectation[];
}

/** The denial a resource gets when no grant naming the subject mentions it (shared: frozen). */
export interface StaticDenial {
  readonly resource: string;
  readonly code: 'no_grant' | 'missing_group';
  readonly message: string;
}

export interface PolicyIndex {
  groupsOfUser: ReadonlyMap<string, readonly string[]>;
  grantsOfUser: ReadonlyMap<string, readonly number[]>;
  grantsOfGroup: ReadonlyMap<string, readonly number[]>;
  grantsOfResource: ReadonlyMap<string, readonly number[]>;
  /** Resource name -> position in file order (the order of `unreached`). */
  resourcePosition: ReadonlyMap<string, number>;
  /** Per resource in file order, the denial it gets when no grant naming the subject mentions it. */
  unreached: readonly StaticDenial[];
}

export interface Policy {
  /** The YAML text exactly as given, and its SHA-256 (hex). */
  readonly source: string;
  readonly sha256: string;
  /** Declared gateways, or (without a `gateways` key) those the resources name, standbys included; sorted. */
  readonly gateways: readonly string[];
  readonly groups: ReadonlyMap<string, readonly string[]>;
  readonly postures: ReadonlyMap<string, PostureRequirement>;
  /** In file order. */
  readonly resources: ReadonlyMap<string, Resource>;
  readonly grants: readonly Grant[];
  readonly tests: readonly PolicyTest[];
  /** Users the policy names (group members and users in grants). */
  readonly users: ReadonlySet<string>;
  readonly index: PolicyIndex;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function describePrincipals(g: Grant): string {
  return [...g.groups.map((n) => `group:${n}`), ...g.users].join(', ');
}

function buildIndex(resources: Map<string, Resource>, groups: Map<string, string[]>, grants: Grant[]): PolicyIndex {
  const groupsOfUser = new Map<string, string[]>();
  for (const [group, members] of groups) for (const user of members) push(groupsOfUser, user, group);
  const grantsOfUser = new Map<string, number[]>();
  const grantsOfGroup = new Map<string, number[]>();
  const grantsOfResource = new Map<string, number[]>();
  for (const g of grants) {
    for (const u of g.users) push(grantsOfUser, u, g.index);
    for (const n of g.groups) push(grantsOfGroup, n, g.index);
    for (const r of g.resources) push(grantsOfResource, r, g.index);
  }
  const resourcePosition = new Map([...resources.keys()].map((name, i) => [name, i]));
  const unreached = [...resources.keys()].map((resource): StaticDenial => {
    const mentioning = grantsOfResource.get(resource) ?? [];
    return Object.freeze(mentioning.length === 0
      ? { resource, code: 'no_grant', message: `no grant gives access to ${resource}` }
      : { resource, code: 'missing_group', message: `access to ${resource} is granted only to ${mentioning.map((i) => `${describePrincipals(grants[i]!)} (grant ${grants[i]!.name})`).join('; ')}` });
  });
  return { groupsOfUser, grantsOfUser, grantsOfGroup, grantsOfResource, resourcePosition, unreached };
}

const boolText = (b: boolean | undefined) => (b === undefined ? '' : String(b));

/** Turns a validated, reference-checked document into the compiled policy. */
export function compilePolicy(doc: PolicyDocument, source: string, namedUsers: Set<string>, lineOf: (path: Path) => number): Policy {
  const resources = new Map<string, Resource>(Object.entries(doc.resources ?? {}).map(([name, r]): [string, Resource] => [name, { name, ...r }]));
  const groups = new Map<string, string[]>(Object.entries(doc.groups ?? {}));
  const postures = new Map<string, PostureRequirement>(Object.entries(doc.postures ?? {}).map(([name, p]) => [name, {
    name, os: p.os, minClientVersion: p.min_client_version, minOsVersion: p.min_os_version,
    diskEncryption: p.disk_encryption, firewall: p.firewall,
  }]));
  const grants: Grant[] = (doc.grants ?? []).map((g, index) => ({
    name: g.name,
    index,
    users: g.to.filter((p) => p.kind === 'user').map((p) => p.name),
    groups: g.to.filter((p) => p.kind === 'group').map((p) => p.name),
    resources: g.resources,
    mfa: g.require?.mfa ?? false,
    postures: g.require?.posture ?? [],
    tunnel: g.require?.tunnel ?? false,
    http: g.http ? { methods: g.http.methods ?? [], paths: g.http.paths ?? [] } : null,
    sessionTtlMs: g.session_ttl ?? null,
    schedule: g.schedule ? {
      days: g.schedule.days?.mask ?? DAY_NAMES.map(() => true),
      start: g.schedule.hours?.start ?? 0,
      end: g.schedule.hours?.end ?? 1440,
      tz: g.schedule.tz ?? 'UTC',
      text: `${g.schedule.days?.text ?? 'every day'} ${g.schedule.hours?.text ?? '00:00-24:00'} ${g.schedule.tz ?? 'UTC'}`,
    } : null,
    requestable: g.requestable ? {
      approverUsers: g.requestable.approvers.filter((p) => p.kind === 'user').map((p) => p.name),
      approverGroups: g.requestable.approvers.filter((p) => p.kind === 'group').map((p) => p.name),
      approvers: g.requestable.approvers.map((p) => (p.kind === 'group' ? `group:${p.name}` : p.name)),
      maxDurationMs: g.requestable.max_duration,
      reasonRequired: g.requestable.reason_required ?? false,
    } : null,
  }));
  const tests: PolicyTest[] = (doc.tests ?? []).map((t, i) => {
    const expectations = (list: 'allow' | 'deny') => (t[list] ?? []).map((item, j) => ({
      item, line: lineOf(['tests', i, list, j]),
    }));
    return {
      user: t.user,
      groups: t.groups ?? [],
      posture: t.posture ? {
        ...EMPTY_POSTURE,
        os: t.posture.os ?? '', osVersion: t.posture.os_version ?? '', clientVersion: t.posture.client_version ?? '',
        diskEncryption: boolText(t.posture.disk_encryption), firewall: boolText(t.posture.firewall), hostname: t.posture.hostname ?? '',
      } : EMPTY_POSTURE,
      at: t.at === undefined ? undefined : new Date(t.at),
      mfa: t.mfa ?? true,
      allow: expectations('allow'),
      deny: expectations('deny'),
    };
  });
  const gateways = doc.gateways ?? [...new Set([...resources.values()].flatMap((r) => [r.gateway, ...r.standbyGateways]))];
  return {
    source,
    sha256: createHash('sha256').update(source, 'utf8').digest('hex'),
    gateways: [...gateways].sort(),
    groups, postures, resources, grants, tests,
    users: namedUsers,
    index: buildIndex(resources, groups, grants),
  };
}
