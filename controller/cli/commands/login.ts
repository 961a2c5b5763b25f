// wicketctl login: an admin user logs in with password + TOTP (or single sign-on with
// --sso, the device flow of common/device-flow-login.ts) and stores their own
// short-lived admin certificate in the credentials directory, instead of using the
// bootstrap credentials. The controller's CA is pinned by its fingerprint. gRPC and the key
// and certificate code are loaded when the command runs, not when wicketctl starts.
import type { Command } from 'commander';
import { CliError, readStdin } from '../../../common/cli.js';
import { hostname } from 'node:os';
import { credentialsDir } from '../admin-client.js';
import { formatSsoPrompt, openBrowser } from '../../../common/device-flow-prompt.js';
import { credentialFiles } from '../../app/credential-files.js';

export function registerLoginCommands(program: Command): void {
  program.command('login')
    .description('log in as an admin user and keep the short-lived admin certificate in the credentials directory')
    .requiredOption('--controller <host:port>', "the controller's auth port")
    .requiredOption('--ca-fingerprint <sha256>', 'the CA fingerprint printed by wicket-controller init')
    .option('--user <name>', 'admin user name (password login)')
    .option('--sso [provider]', 'single sign-on with an identity provider configured on the controller')
    .option('--password-stdin', 'read the password from stdin')
    .option('--totp <code>', 'the current code from the authenticator app')
    .option('--api <host:port>', 'API endpoint to save (default: the one the controller announces)')
    .action(async (o: { controller: string; caFingerprint: string; user?: string; sso?: string | true; passwordStdin?: boolean; totp?: string; api?: string }) => {
      const sso = o.sso === undefined ? undefined : o.sso === true ? '' : o.sso;
      if (sso === undefined) {
        if (!o.user) throw new CliError('pass --user NAME (password login) or --sso [PROVIDER]');
        if (!o.passwordStdin) throw new CliError('pass the password on stdin with --password-stdin');
        if (!o.totp) throw new CliError('pass the current authenticator code with --totp CODE');
      }
      const password = sso === undefined ? await readStdin() : '';
      const [{ authClients, call }, { createCsr, fetchPinnedCa, generateKeyPair, writePublicFile, writeSecretFile }, { ssoDeviceLogin }] = await Promise.all([
        import('../../../common/grpc.js'), import('../../../common/pki.js'), import('../../../common/device-flow-login.js'),
      ]);
      const caPem = await fetchPinnedCa(o.controller, o.caFingerprint);
      const keys = generateKeyPair();
      const deviceName = `wicketctl@${hostname()}`;
      let r;
      if (sso !== undefined) {
        r = await ssoDeviceLogin({
          controller: o.controller, caPem, provider: sso, csrPem: createCsr(keys, 'wicketctl'), deviceName,
          prompt: (p) => {
            process.stdout.write(formatSsoPrompt(p));
            openBrowser(p.verificationUriComplete || p.verificationUri);
          },
        });
      } else {
        const clients = authClients(o.controller, caPem);
        try {
          r = await call(clients.auth, 'Login', { username: o.user!, password, totpCode: o.totp!, csrPem: createCsr(keys, o.user!), deviceName });
        } finally {
          clients.close();
        }
      }
      if (!r.admin) throw new CliError(`user ${r.username} is not an admin; nothing was saved`);
      const dir = credentialsDir(program);
      const files = credentialFiles(dir);
      writeSecretFile(files.key, keys.privateKeyPem);
      writePublicFile(files.cert, r.certificatePem);
      writePublicFile(files.ca, r.caPem);
      const api = o.api ?? r.apiEndpoint;
      if (api) writePublicFile(files.endpoint, `${api}\n`);
      process.stdout.write(`logged in as ${r.username}; admin certificate valid until ${new Date(r.expiresAtMs).toISOString()} saved in ${dir}\n`);
    });
}
