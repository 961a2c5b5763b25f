// One mutual-TLS API channel per controller of a list, opened on first use: a caller that
// fails over keeps the channels it already has, and never dials a controller it does not use.
import { connectivityState } from '@grpc/grpc-js';
import { apiClients, type ClientCredentials } from './grpc.js';

/** The channel of a controller could not connect (refused, unreachable, TLS failure, timeout). */
export class ChannelNotReady extends Error {}

export type ApiClients = ReturnType<typeof apiClients>;

export class ApiChannels {
  private readonly open = new Map<number, ApiClients>();

  constructor(readonly endpoints: readonly string[], private readonly creds: ClientCredentials) {
    if (endpoints.length === 0) throw new Error('no controller endpoint');
  }

  /** The clients of controller number `index`. */
  get(index: number): ApiClients {
    const endpoint = this.endpoints[index];
    if (endpoint === undefined) throw new Error(`no controller number ${index} (of ${this.endpoints.length})`);
    let clients = this.open.get(index);
    if (!clients) {
      clients = apiClients(endpoint, this.creds);
      this.open.set(index, clients);
    }
    return clients;
  }

  /**
   * Connects the channel of controller `index` and resolves once it is ready; rejects with
   * ChannelNotReady as soon as the connection attempt fails, or after `timeoutMs`. Nothing is
   * sent on it: a caller that must not repeat its calls can pick a controller this way first.
   */
  ready(index: number, timeoutMs: number): Promise<void> {
    const channel = this.get(index).admin.getChannel();
    const deadline = Date.now() + timeoutMs;
    const endpoint = this.endpoints[index]!;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const state = channel.getConnectivityState(true);
        if (state === connectivityState.READY) return resolve();
        if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) {
          return reject(new ChannelNotReady(`cannot connect to ${endpoint}`));
        }
        channel.watchConnectivityState(state, deadline, (err) => {
          if (err) reject(new ChannelNotReady(`no connection to ${endpoint} within ${timeoutMs} ms`));
          else check();
        });
      };
      check();
    });
  }

  /** Closes every channel opened. */
  close(): void {
    for (const c of this.open.values()) c.close();
    this.open.clear();
  }
}
