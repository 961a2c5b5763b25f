// wicketctl login: an admin user logs in with password + TOTP and stores their own
// short-lived admin certificate in the credentials directory, instead of using the
// bootstrap credentials. The controller's CA is pinned by its fingerprint.
import type { Command } from 'commander';
import { authClients, call } from '../../../common/grpc.js';
import { CliError, readStdin } from '../../../common/cli.js';
import { createCsr, fetchPinnedCa, generateKeyPair, writePublicFile, writeSecretFile } from '../../../common/pki.js';
import { hostname } from 'node:os';
import { credentialsDir } from '../admin-client.js';
import { credentialFiles } from '../datadir.js';

export function registerLoginCommands(program: Command): void {
  program.command('login')
    .description('log in as an admin user and keep the short-lived admin certificate in the credentials directory')
    .requiredOption('--controller <host:port>', "the controller's auth port")
    .requiredOption('--ca-fingerprint <sha256>', 'the CA fingerprint printed by wicket-controller init')
    .requiredOption('--user <name>', 'admin user name')
    .option('--password-stdin', 'read the password from stdin')
    .option('--totp <code>', 'the current code from the authenticator app')
    .option('--api <host:port>', 'API endpoint to save (default: the one the controller announces)')
    .action(async (o: { controller: string; caFingerprint: string; user: string; passwordStdin?: boolean; totp?: string; api?: string }) => {
      if (!o.passwordStdin) throw new CliError('pass the password on stdin with --password-stdin');
      if (!o.totp) throw new CliError('pass the current authenticator code with --totp CODE');
      const password = await readStdin();
      const caPem = await fetchPinnedCa(o.controller, o.caFingerprint);
      const keys = generateKeyPair();
      const clients = authClients(o.controller, caPem);
      let r;
      try {
        r = await call(clients.auth, 'Login', { username: o.user, password, totpCode: o.totp, csrPem: createCsr(keys, o.user), deviceName: `wicketctl@${hostname()}` });
      } finally {
        clients.close();
      }
      if (!r.admin) throw new CliError(`user ${o.user} is not an admin; nothing was saved`);
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
