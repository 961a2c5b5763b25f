// How wicketctl reaches the controller: the API address (--controller, WICKET_CONTROLLER or
// the endpoint saved by `wicketctl login`; a comma-separated list with several controllers)
// and the admin credentials directory (--credentials, WICKET_ADMIN_CREDENTIALS, default
// ~/.config/wicket/admin). With a list, the command runs on the first controller whose channel
// connects: only a controller that could not be reached is passed over, so no call that
// reached a controller is ever repeated on another. gRPC and the wire contract are loaded
// when a command calls, not when wicketctl starts (help and argument errors need neither).
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseControllerList } from '../../common/controller-list.js';
import { CliError } from '../../common/cli.js';
import type { RequestOf, ResponseOf, UnaryMethods } from '../../common/grpc.js';
import type { AdminClient } from '../../proto/generated/wicket/v1/Admin.js';
import { credentialFiles } from '../app/credential-files.js';

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

/** Calls one unary method of the Admin service over mutual TLS (see withAdmin). */
export async function adminCall<M extends UnaryMethods<AdminClient>>(program: Command, method: M, request: RequestOf<AdminClient[M]>): Promise<ResponseOf<AdminClient[M]>> {
  const { call } = await import('../../common/grpc.js');
  return withAdmin(program, (admin) => call(admin, method, request));
}

/** Runs `fn` with an Admin client over mutual TLS, closing the channel afterwards. */
async function withAdmin<T>(program: Command, fn: (admin: AdminClient) => Promise<T>): Promise<T> {
  const dir = credentialsDir(program);
  const files = credentialFiles(dir);
  const saved = existsSync(files.endpoint) ? readFileSync(files.endpoint, 'utf8').trim() : '';
  const controller = program.opts<GlobalOptions>().controller ?? process.env.WICKET_CONTROLLER ?? (saved || undefined);
  if (!controller) throw new CliError('no controller address: pass --controller HOST:PORT (the API port) or set WICKET_CONTROLLER');
  let endpoints: string[];
  try {
    endpoints = parseControllerList(controller);
  } catch (err) {
    throw new CliError(`--controller: ${(err as Error).message}`);
  }
  const [{ ApiChannels, ChannelNotReady }, { callWithFailover, NoControllerReachable }] = await Promise.all([
    import('../../common/api-channels.js'), import('../../common/failover-call.js'),
  ]);
  const channels = new ApiChannels(endpoints, {
    caPem: readCredential(files.ca, 'CA certificate'),
    certPem: readCredential(files.cert, 'admin certificate'),
    keyPem: readCredential(files.key, 'admin key'),
  });
  try {
    // One controller: its calls fail with their own errors, as they always did.
    if (endpoints.length === 1) return await fn(channels.get(0).admin);
    let index: number;
    try {
      ({ index } = await callWithFailover(endpoints, (_, i) => channels.ready(i, CONNECT_TIMEOUT_MS), { retryable: (e) => e instanceof ChannelNotReady }));
    } catch (err) {
      if (err instanceof NoControllerReachable) throw new CliError(err.message);
      throw err;
    }
    return await fn(channels.get(index).admin);
  } finally {
    channels.close();
  }
}

/** How long one controller of a list may take to accept the connection before the next is tried. */
const CONNECT_TIMEOUT_MS = 5000;
