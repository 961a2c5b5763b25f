// Helper process for the SSO end-to-end suite, run inside a host's network namespace (the
// test process itself has no route into the namespaces):
//   node sso-provider.js serve HOST   reads {clients, accounts} as JSON on stdin, starts the
//                                     test OpenID provider on HOST, prints `issuer URL`, and
//                                     runs until SIGTERM.
//   node sso-provider.js approve URI CODE ACCOUNT
//                                     reads the account's password on stdin and completes the
//                                     device verification page as the user's browser would.
// Passwords and the client secret travel through stdin, never argv.
import { approveDevice, startTestProvider, type TestAccount, type TestClient } from '../support/oidc-test-provider.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<void> {
  const [mode, ...args] = argv;
  if (mode === 'serve' && args.length === 1) {
    const config = JSON.parse(await readStdin()) as { clients: TestClient[]; accounts: Record<string, TestAccount> };
    const op = await startTestProvider({ host: args[0], clients: config.clients, accounts: config.accounts });
    process.stdout.write(`issuer ${op.issuer}\n`);
    process.once('SIGTERM', () => { void op.close().then(() => process.exit(0)); });
    return;
  }
  if (mode === 'approve' && args.length === 3) {
    const [uri, code, account] = args as [string, string, string];
    const page = await approveDevice(uri, code, account, (await readStdin()).trim());
    process.stdout.write(`${/Sign-in Success/.exec(page)?.[0] ?? ''}\n`);
    return;
  }
  throw new Error('usage: sso-provider.js serve HOST | approve URI CODE ACCOUNT');
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
