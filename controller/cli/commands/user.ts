// wicketctl user add | list | disable | enable | groups | link
import type { Command } from 'commander';
import { output, printJson, readStdin, formatTime, CliError } from '../../../common/cli.js';
import type { User__Output as User } from '../../../proto/generated/wicket/v1/User.js';
import { adminCall } from '../admin-client.js';

const collect = (v: string, acc: string[]) => [...acc, v];

function userTable(users: User[]) {
  const now = Date.now();
  return {
    headers: ['NAME', 'GROUPS', 'ADMIN', 'STATUS', 'CREATED'],
    rows: users.map((u) => [u.name, u.groups.join(','), u.admin ? 'yes' : '', u.disabled ? 'disabled' : u.lockedUntilMs > now ? `locked until ${formatTime(u.lockedUntilMs)}` : 'active', formatTime(u.createdAtMs)]),
  };
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage users');

  user.command('add <name>')
    .description('add a user; prints the TOTP secret for their authenticator app (shown once)')
    .option('--group <group>', 'directory group (repeatable)', collect, [] as string[])
    .option('--password-stdin', 'read the initial password from stdin')
    .option('--admin', 'give the user the admin role')
    .option('--json', 'print {"name","totp_secret","otpauth_uri"}')
    .action(async (name: string, o: { group: string[]; passwordStdin?: boolean; admin?: boolean; json?: boolean }) => {
      const password = o.passwordStdin ? await readStdin() : '';
      if (o.passwordStdin && !password) throw new CliError('the password read from stdin is empty');
      const r = await adminCall(program, 'AddUser', { name, groups: o.group, password, admin: o.admin ?? false });
      if (o.json) return printJson({ name: r.name, totp_secret: r.totpSecret, otpauth_uri: r.otpauthUri });
      process.stdout.write(`added user ${r.name}\nTOTP secret: ${r.totpSecret}\notpauth URI: ${r.otpauthUri}\n`);
    });

  user.command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await adminCall(program, 'ListUsers', {});
      output(o.json, r.users, userTable);
    });

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    user.command(`${verb} <name>`)
      .description(disabled ? 'disable a user: their certificates stop working and their sessions end' : 'enable a disabled user')
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean }) => {
        const u = await adminCall(program, 'SetUserDisabled', { name, disabled });
        output(o.json, u, () => `user ${u.name} ${disabled ? 'disabled' : 'enabled'}`);
      });
  }

  user.command('link <name>')
    .description("link an identity provider's subject to a user: their SSO logins land on this account (the only way SSO reaches an admin or a password account)")
    .requiredOption('--provider <name>', 'the identity provider (as named in the controller --oidc-config file)')
    .requiredOption('--subject <sub>', "the provider's subject (the ID token's sub) for this person")
    .action(async (name: string, o: { provider: string; subject: string }) => {
      await adminCall(program, 'LinkUser', { name, provider: o.provider, subject: o.subject });
      process.stdout.write(`linked ${o.provider} subject ${o.subject} to user ${name}\n`);
    });

  user.command('groups <name>')
    .description("replace a user's directory groups (no --group: none)")
    .option('--group <group>', 'directory group (repeatable)', collect, [] as string[])
    .option('--json', 'print JSON')
    .action(async (name: string, o: { group: string[]; json?: boolean }) => {
      const u = await adminCall(program, 'SetUserGroups', { name, groups: o.group });
      output(o.json, u, () => `user ${u.name} groups: ${u.groups.join(', ') || '(none)'}`);
    });
}
