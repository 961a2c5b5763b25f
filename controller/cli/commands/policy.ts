// wicketctl policy test | diff | apply FILE, policy show | history,
// policy explain USER RESOURCE[:PROTO/PORT | :METHOD/PATH]
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { output, formatTime, CliError, nonNegativeInt } from '../../../common/cli.js';
import type { PolicyTestResponse__Output as PolicyTestResponse } from '../../../proto/generated/wicket/v1/PolicyTestResponse.js';
import type { AccessChange__Output as AccessChange } from '../../../proto/generated/wicket/v1/AccessChange.js';
import { adminCall } from '../admin-client.js';

function readPolicyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Validation errors and test results as lines. */
function checkLines(file: string, c: PolicyTestResponse): string[] {
  return [
    ...c.errors.map((e) => `${file}:${e.line}:${e.column}: ${e.path ? `${e.path}: ` : ''}${e.message}`),
    ...c.tests.map((t) => `${t.passed ? 'PASS' : 'FAIL'} ${t.name}${t.passed ? '' : `: ${t.message}`}${t.line ? ` (line ${t.line})` : ''}`),
    c.ok ? 'policy is valid and every test passes' : c.valid ? 'policy is valid but tests fail' : 'policy is invalid',
  ];
}

function changeLines(changes: AccessChange[]): string[] {
  if (changes.length === 0) return ['no access changes'];
  return changes.flatMap((c) => [`${c.user}:`, ...c.gained.map((g) => `  + ${g}`), ...c.lost.map((l) => `  - ${l}`)]);
}

export interface ExplainTarget {
  resource: string;
  protocol: string;
  port: number;
  httpMethod: string;
  httpPath: string;
}

const TARGET_FORMS = 'RESOURCE, RESOURCE:PROTO/PORT or RESOURCE:METHOD/PATH (e.g. db, db:tcp/5432, db:icmp, wiki:GET/docs/a)';

/**
 * "db", "db:tcp/5432", "db:icmp" -> resource, protocol, port; "wiki:GET/docs/a" -> resource,
 * method, path. Port specs are lower case and methods upper case, as in the policy's tests.
 */
export function parseTarget(text: string): ExplainTarget {
  const request = /^([^:]+):([!#$%&'*+.^_`|~0-9A-Z-]{1,32})(\/.*)$/.exec(text);
  if (request) return { resource: request[1]!, protocol: '', port: 0, httpMethod: request[2]!, httpPath: request[3]! };
  const m = /^([^:]+)(?::(tcp|udp|icmp)(?:\/(\d{1,5}))?)?$/.exec(text);
  if (!m || (m[2] === 'icmp' && m[3]) || Number(m[3] ?? 0) > 65535) throw new CliError(`"${text}" is not ${TARGET_FORMS}`);
  return { resource: m[1]!, protocol: m[2] ?? '', port: Number(m[3] ?? 0), httpMethod: '', httpPath: '' };
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('policy as code: test, diff, apply, show, history, explain');

  policy.command('test <file>')
    .description('validate the file and run its tests (changes nothing)')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const yaml = readPolicyFile(file);
      const r = await adminCall(program, 'TestPolicy', { yaml });
      output(o.json, r, () => checkLines(file, r).join('\n'));
      if (!r.ok) throw new CliError('policy test failed');
    });

  policy.command('diff <file>')
    .description('who gains and who loses what if the file were applied')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const yaml = readPolicyFile(file);
      const r = await adminCall(program, 'DiffPolicy', { yaml });
      output(o.json, r, () => [...(r.check?.valid ? [`against version ${r.baseVersion}:`, ...changeLines(r.changes)] : []), ...(r.check && !r.check.ok ? checkLines(file, r.check) : [])].join('\n'));
      if (!r.check?.valid) throw new CliError('policy is invalid');
    });

  policy.command('apply <file>')
    .description('validate, test and apply the file as a new version')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const yaml = readPolicyFile(file);
      const r = await adminCall(program, 'ApplyPolicy', { yaml });
      output(o.json, r, () => (r.version > 0
        ? [`applied policy version ${r.version} (${r.sessionsUpdated} live sessions updated)`, ...changeLines(r.changes)]
        : checkLines(file, r.check!)).join('\n'));
      if (r.version === 0) throw new CliError('policy not applied');
    });

  policy.command('show')
    .description('print the applied policy (or another version)')
    .option('--version <n>', 'a version from policy history', nonNegativeInt('--version'), 0)
    .option('--json', 'print JSON')
    .action(async (o: { version: number; json?: boolean }) => {
      const r = await adminCall(program, 'ShowPolicy', { version: o.version });
      output(o.json, r, () => r.yaml);
    });

  policy.command('history')
    .description('applied versions, newest first')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await adminCall(program, 'PolicyHistory', {});
      output(o.json, r.versions, (versions) => ({
        headers: ['VERSION', 'APPLIED', 'AUTHOR', 'SHA256'],
        rows: versions.map((v) => [v.version, formatTime(v.appliedAtMs), v.author, v.sha256.slice(0, 16)]),
      }));
    });

  policy.command('explain <user> <target>')
    .description('whether USER may reach RESOURCE[:PROTO/PORT] or send RESOURCE:METHOD/PATH under the applied policy, and exactly why')
    .option('--json', 'print JSON')
    .action(async (user: string, target: string, o: { json?: boolean }) => {
      const t = parseTarget(target);
      const r = await adminCall(program, 'ExplainPolicy', { user, ...t });
      output(o.json, r, () => [
        `${r.allowed ? 'ALLOWED' : 'DENIED'}: ${r.summary}`,
        ...r.grants.flatMap((g) => [`  grant ${g.grant}: ${g.applies ? 'applies' : 'does not apply'}`, ...g.reasons.map((x) => `    - ${x}`)]),
        `(policy version ${r.policyVersion})`,
      ].join('\n'));
    });
}
