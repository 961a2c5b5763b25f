// Starting and stopping the gateway's HTTP listeners (the proxy's on the service address,
// the public one for browsers): a failure to bind rejects; an error after that is logged,
// never an unhandled rejection or an uncaught 'error' event that would end the agent.
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../common/log.js';

export async function listenOn(server: Server, host: string, port: number, log: Logger, what: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err: Error) => log.error({ err: err.message }, `${what} failed`));
  return server.address() as AddressInfo;
}

/** Closes a listener and every connection on it. */
export async function closeServer(server: Server & { closeAllConnections(): void }): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
