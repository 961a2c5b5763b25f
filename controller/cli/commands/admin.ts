// wicketctl admin list | revoke: the bootstrap admin credentials written to DATA_DIR/admin/ by
// `wicket-controller init` and `wicket-controller admin-credentials`.
import type { Command } from 'commander';
import { output, formatTime } from '../../../common/cli.js';
import { adminCall } from '../admin-client.js';

export function registerAdminCredentialCommands(program: Command): void {
  const admin = program.command('admin').description('bootstrap admin credentials: list and revoke (renew them on the controller host: wicket-controller admin-credentials)');

  admin.command('list')
    .description('bootstrap admin credentials with their expiry and state')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await adminCall(program, 'ListAdminCredentials', {});
      const now = Date.now();
      output(o.json, r.credentials, (list) => ({
        headers: ['SERIAL', 'NAME', 'ISSUED', 'EXPIRES', 'STATE'],
        rows: list.map((c) => [c.serial, c.name, formatTime(c.issuedAtMs), formatTime(c.notAfterMs), c.revokedAtMs ? `revoked ${formatTime(c.revokedAtMs)}` : c.notAfterMs <= now ? 'expired' : 'valid']),
      }));
    });

  admin.command('revoke <serial>')
    .description('revoke a bootstrap admin credential: it stops working at its next call')
    .option('--json', 'print JSON')
    .action(async (serial: string, o: { json?: boolean }) => {
      const c = await adminCall(program, 'RevokeAdminCredential', { serial: serial.toLowerCase() });
      output(o.json, c, () => `revoked admin credential ${c.serial}`);
    });
}
