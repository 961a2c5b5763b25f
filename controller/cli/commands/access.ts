// wicketctl access requests | approve | deny | revoke: the approver's side of just-in-time
// access. The admin certificate's name is the approving user (see docs/access.md).
import type { Command } from 'commander';
import { CliError, formatTime, output } from '../../../common/cli.js';
import { formatDuration, parseDuration } from '../../../common/duration.js';
import type { AccessRequest__Output as AccessRequest } from '../../../proto/generated/wicket/v1/AccessRequest.js';
import { adminCall } from '../admin-client.js';

/** A --for value in milliseconds, or a clear error. */
function durationOption(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new CliError(`--for: ${(err as Error).message}`);
  }
}

function describe(r: AccessRequest): string {
  const ends = r.state === 'approved' ? ` until ${formatTime(r.expiresAtMs)}` : r.endedAtMs ? ` (${r.endedBy}: ${r.endReason})` : '';
  return `request ${r.id} of ${r.username} for ${r.resource} (grant ${r.grant}) is ${r.state}${ends}`;
}

export function registerAccessCommands(program: Command): void {
  const access = program.command('access').description('just-in-time access requests: list, approve, deny, revoke');

  access.command('requests')
    .description('access requests, newest first')
    .option('--pending', 'only requests waiting for a decision')
    .option('--user <name>', 'only this requester')
    .option('--json', 'print JSON')
    .action(async (o: { pending?: boolean; user?: string; json?: boolean }) => {
      const r = await adminCall(program, 'ListAccessRequests', { pending: o.pending ?? false, user: o.user ?? '' });
      output(o.json, r.requests, (list) => ({
        headers: ['ID', 'USER', 'RESOURCE', 'GRANT', 'FOR', 'STATE', 'REQUESTED', 'DECIDED BY', 'EXPIRES', 'REASON', 'APPROVERS'],
        rows: list.map((x) => [x.id, x.username, x.resource, x.grant, formatDuration(x.durationMs), x.state, formatTime(x.createdAtMs),
          x.decidedBy, x.state === 'approved' ? formatTime(x.expiresAtMs) : '', x.reason, x.approvers.join(',')]),
      }));
    });

  access.command('approve <id>')
    .description("approve a pending request: the requester's live sessions get the resource at once, until it expires")
    .option('--for <duration>', 'how long from now (default: as requested; at most the grant\'s max_duration)', durationOption)
    .option('--reason <text>', 'a note recorded with the approval', '')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { for?: number; reason: string; json?: boolean }) => {
      const r = await adminCall(program, 'ApproveAccess', { id, durationMs: o.for ?? 0, reason: o.reason });
      output(o.json, r, describe);
    });

  access.command('deny <id>')
    .description('deny a pending request, saying why')
    .requiredOption('--reason <text>', 'why (recorded and shown to the requester)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const r = await adminCall(program, 'DenyAccess', { id, reason: o.reason });
      output(o.json, r, describe);
    });

  access.command('revoke <id>')
    .description('end an approved request now: the resource leaves the requester\'s live sessions')
    .option('--reason <text>', 'why (recorded in the audit log)', '')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const r = await adminCall(program, 'RevokeAccess', { id, reason: o.reason });
      output(o.json, r, describe);
    });
}
