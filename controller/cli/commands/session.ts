// wicketctl session list | revoke, and user revoke (every session and certificate of a user).
import type { Command } from 'commander';
import { formatTable, formatTime, nonNegativeInt, output } from '../../../common/cli.js';
import { adminCall } from '../admin-client.js';
import type { Session__Output as Session } from '../../../proto/generated/wicket/v1/Session.js';

function ackState(s: Session): string {
  return s.acks.map((a) => `${a.gateway}:${a.ackedAtMs ? `acked v${a.version} ${formatTime(a.ackedAtMs)}` : `pending v${a.version}`}`).join(' ');
}

function entitlementText(s: Session): string {
  return [...new Set(s.entitlements.map((e) => `${e.resource}:${e.protocol}${e.protocol === 'icmp' ? '' : `/${e.portFrom === e.portTo ? e.portFrom : `${e.portFrom}-${e.portTo}`}`}`))].join(',');
}

export function registerSessionCommands(program: Command): void {
  const session = program.command('session').description('live sessions: list and revoke');

  session.command('list')
    .description('sessions, newest first, with user, device, addresses (IPv4 and IPv6), entitlements, expiry and gateway acks')
    .option('--all', 'include ended sessions')
    .option('--user <name>', 'only this user')
    .option('--device <id>', 'only this device')
    .option('--gateway <name>', 'only sessions on this gateway')
    .option('--limit <n>', 'at most this many (default: all)', nonNegativeInt('--limit'), 0)
    .option('--offset <n>', 'skip this many first', nonNegativeInt('--offset'), 0)
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; user?: string; device?: string; gateway?: string; limit: number; offset: number; json?: boolean }) => {
      const r = await adminCall(program, 'ListSessions', {
        all: o.all ?? false, user: o.user ?? '', deviceId: o.device ?? '', gateway: o.gateway ?? '', limit: o.limit, offset: o.offset,
      });
      output(o.json, r.sessions, (list) => {
        const table = formatTable(['ID', 'USER', 'DEVICE', 'ADDRESS', 'IPV6', 'STATE', 'ENTITLEMENTS', 'CREATED', 'EXPIRES', 'GATEWAYS'],
          list.map((s) => [s.id, s.username, s.deviceId.slice(0, 12), s.overlayAddress, s.overlayIpv6, s.state === 'active' ? s.state : `${s.state} (${s.endReason})`,
            entitlementText(s), formatTime(s.createdAtMs), formatTime(s.expiresAtMs), ackState(s)]));
        // A page says where it is in the whole list.
        if (!o.limit && !o.offset) return table;
        const range = list.length ? `${o.offset + 1}-${o.offset + list.length}` : 'none';
        return `${table}sessions ${range} of ${r.total}`;
      });
    });

  session.command('revoke <id>')
    .description('end a session now: its peers and rules are removed from every gateway')
    .option('--reason <text>', 'why (recorded in the audit log and shown to the user)', '')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const s = await adminCall(program, 'RevokeSession', { id, reason: o.reason });
      output(o.json, s, () => `revoked session ${s.id} of ${s.username} (${s.overlayAddress})`);
    });
}

/** `user revoke` lives with the session commands: it is a session operation first. */
export function registerUserRevoke(program: Command): void {
  const user = program.commands.find((c) => c.name() === 'user') ?? program.command('user');
  user.command('revoke <name>')
    .description("end all of a user's sessions and revoke their certificates (they must log in again)")
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const r = await adminCall(program, 'RevokeUser', { name });
      output(o.json, r, () => `revoked ${r.sessionsRevoked} session(s) and ${r.certificatesRevoked} certificate(s) of ${name}`);
    });
}
