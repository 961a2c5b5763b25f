// How wicketctl reaches the controller: the API address (--controller, WICKET_CONTROLLER or
// the endpoint saved by `wicketctl login`) and the admin credentials directory
// (--credentials, WICKET_ADMIN_CREDENTIALS, default ~/.config/wicket/admin).
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { apiClients } from '../../common/grpc.js';
import { CliError } from '../../common/cli.js';
import type { AdminClient } from '../../proto/generated/wicket/v1/Admin.js';
import { credentialFiles } from '../app/datadir.js';

export interface GlobalOptions { controller?: string; credentials?: string }

/** A command group of wicketctl: adds its subcommands to the program. */
export type RegisterCommands = (program: Command) => void;

export function credentialsDir(program: Command): string {
  const o = program.opts<GlobalOptions>();
  return o.credentials ?? process.env.WICKET_ADMIN_CREDENTIALS ?? join(homedir(), '.config', 'wicket', 'admin');
}

function readCredential(path: string, what: string): string {
  if (!existsSync(path)) throw new CliError(`no ${what} at ${path}: pass --credentials DIR (e.g. DATA_DIR/admin) or run wicketctl login`);
  return readFileSync(path, 'utf8');
}

/** Runs `fn` with an Admin client over mutual TLS, closing the channel afterwards. */
export async function withAdmin<T>(program: Command, fn: (admin: AdminClient) => Promise<T>): Promise<T> {
  const dir = credentialsDir(program);
  const files = credentialFiles(dir);
  const saved = existsSync(files.endpoint) ? readFileSync(files.endpoint, 'utf8').trim() : '';
  const controller = program.opts<GlobalOptions>().controller ?? process.env.WICKET_CONTROLLER ?? (saved || undefined);
  if (!controller) throw new CliError('no controller address: pass --controller HOST:PORT (the API port) or set WICKET_CONTROLLER');
  const clients = apiClients(controller, {
    caPem: readCredential(files.ca, 'CA certificate'),
    certPem: readCredential(files.cert, 'admin certificate'),
    keyPem: readCredential(files.key, 'admin key'),
  });
  try {
    return await fn(clients.admin);
  } finally {
    clients.close();
  }
}
