// Policy documents for tests, written as data and rendered as the YAML an administrator would
// write (one line per group, resource and grant key, in the order given), so that suites share
// the lab's resources and the document's layout instead of each spelling the whole text; the
// rendering is stable, so tests may still assert the line numbers the parser reports. Also the
// shared check that a refused policy's error names its message, line and path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../controller/policy/index.js';

/** A resource as the policy's one-line flow mapping. */
export interface Resource { address: string; ports: string[]; gateway: string }

/** A grant: who, to what, and any further keys (`require`, `session_ttl`, `schedule`, `requestable`) as their YAML values. */
export interface Grant { name: string; to: string[]; resources: string[]; [key: string]: string | string[] }

export interface PolicySpec {
  gateways?: string[];
  groups?: Record<string, string[]>;
  /** A posture as a flow mapping (`{ disk_encryption: true }`) or as its keys, one line each. */
  postures?: Record<string, string | Record<string, string>>;
  resources: Record<string, Resource>;
  grants: Grant[];
}

/** The resources most suites reach: a web server and a database subnet behind gateway dc1. */
export const WIKI: Resource = { address: '10.20.0.10', ports: ['tcp/443'], gateway: 'dc1' };
export const DB: Resource = { address: '10.20.1.0/24', ports: ['tcp/5432'], gateway: 'dc1' };

const list = (items: string[]) => `[${items.join(', ')}]`;

/** The grant most suites start from: group `group` reaches `resource`, named `<group>-<resource>`. */
export const grantTo = (group: string, resource: string): Grant => ({ name: `${group}-${resource}`, to: [`group:${group}`], resources: [resource] });

/** Renders `spec` as a policy document. */
export function policyYaml(spec: PolicySpec): string {
  const lines: string[] = [];
  if (spec.gateways) lines.push(`gateways: ${list(spec.gateways)}`);
  if (spec.groups) lines.push('groups:', ...Object.entries(spec.groups).map(([name, members]) => `  ${name}: ${list(members)}`));
  if (spec.postures) {
    lines.push('postures:');
    for (const [name, posture] of Object.entries(spec.postures)) {
      if (typeof posture === 'string') lines.push(`  ${name}: ${posture}`);
      else lines.push(`  ${name}:`, ...Object.entries(posture).map(([key, value]) => `    ${key}: ${value}`));
    }
  }
  lines.push('resources:', ...Object.entries(spec.resources).map(([name, r]) =>
    `  ${name}: { address: ${r.address}, ports: ${list(r.ports)}, gateway: ${r.gateway} }`));
  lines.push('grants:');
  for (const { name, to, resources, ...more } of spec.grants) {
    lines.push(`  - name: ${name}`, `    to: ${list(to)}`, `    resources: ${list(resources)}`);
    for (const [key, value] of Object.entries(more)) lines.push(`    ${key}: ${Array.isArray(value) ? list(value) : value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `yaml` with the given 1-based lines replaced (a replacement may span several lines, or be empty to delete the line). */
export function editLines(yaml: string, lines: Record<number, string>): string {
  return yaml.split('\n').flatMap((l, i) => {
    const r = lines[i + 1];
    return r === undefined ? [l] : r === '' ? [] : [r];
  }).join('\n');
}

/** A policy the parser must refuse, and the error it must give: message, line and path. */
export interface RejectionCase { name: string; yaml: string; line: number; path: string; message: RegExp }

/** One test per case: the policy is refused with an error matching the case's message at its line and path. */
export function testRejections(cases: readonly RejectionCase[]): void {
  for (const c of cases) {
    test(`rejects: ${c.name}`, () => {
      const result = parsePolicy(c.yaml);
      assert.equal(result.ok, false, 'expected the policy to be rejected');
      if (result.ok) return;
      const match = result.errors.find((e) => c.message.test(e.message));
      assert.ok(match, `no error matching ${c.message}; got ${JSON.stringify(result.errors)}`);
      assert.equal(match.line, c.line, `line of ${JSON.stringify(match)}`);
      assert.equal(match.path, c.path, `path of ${JSON.stringify(match)}`);
      if (c.line > 0) assert.ok(match.column >= 1);
    });
  }
}
