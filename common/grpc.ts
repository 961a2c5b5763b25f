// gRPC channels to the controller: the auth port (server TLS, CA pinned by the caller) and
// the API port (mutual TLS with a Wicket certificate), plus a promisified unary call and
// error formatting shared by every client of the wire contract.
import * as grpc from '@grpc/grpc-js';
import { createRequire } from 'node:module';
import { wicketV1 } from '../proto/load.js';
import type { AuthClient } from '../proto/generated/wicket/v1/Auth.js';
import type { AdminClient } from '../proto/generated/wicket/v1/Admin.js';
import type { ClientClient } from '../proto/generated/wicket/v1/Client.js';
import type { GatewayClient } from '../proto/generated/wicket/v1/Gateway.js';

export interface ClientCredentials { caPem: string; certPem: string; keyPem: string }

/** The standard gRPC health service (grpc.health.v1.Health) as a client. */
export interface HealthClient extends grpc.Client {
  check(request: { service: string }, callback: grpc.requestCallback<{ status: string }>): grpc.ClientUnaryCall;
}

/** Channel options for every Wicket client: sync snapshots are big, idle streams stay alive. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 16 * 1024 * 1024,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
};

// grpc-js sends the target host as TLS SNI even when it is an IP address, and node warns
// about that (DEP0123) on every connection. The certificate check is unaffected (IP SANs),
// so that one warning is dropped; every other warning is still printed.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

let HealthCtor: grpc.ServiceClientConstructor | undefined;

/**
 * A health client (on the channel that `options` names), made when first asked for:
 * grpc-health-check parses its .proto when loaded, which no command needs (it is CommonJS,
 * so a synchronous require).
 */
function healthClient(hostPort: string, creds: grpc.ChannelCredentials, options: grpc.ClientOptions): HealthClient {
  if (!HealthCtor) {
    const { service } = createRequire(import.meta.url)('grpc-health-check') as { service: grpc.ServiceDefinition };
    HealthCtor = grpc.makeClientConstructor(service, 'grpc.health.v1.Health');
  }
  return new HealthCtor(hostPort, creds, options) as unknown as HealthClient;
}

/** Clients for the auth port: server-authenticated TLS trusting only `caPem`. */
export function authClients(hostPort: string, caPem: string): { auth: AuthClient; readonly health: HealthClient; close(): void } {
  const creds = grpc.credentials.createSsl(Buffer.from(caPem));
  const auth = new (wicketV1().Auth)(hostPort, creds, CHANNEL_OPTIONS);
  let health: HealthClient | undefined;
  return {
    auth,
    get health() { return (health ??= healthClient(hostPort, creds, { channelOverride: auth.getChannel() })); },
    close: () => auth.close(),
  };
}

/** Clients for the API port over one mutual-TLS channel authenticated by `creds`. */
export function apiClients(hostPort: string, creds: ClientCredentials): {
  admin: AdminClient; client: ClientClient; gateway: GatewayClient; readonly health: HealthClient; close(): void;
} {
  const v1 = wicketV1();
  const channelCreds = grpc.credentials.createSsl(Buffer.from(creds.caPem), Buffer.from(creds.keyPem), Buffer.from(creds.certPem));
  const admin = new v1.Admin(hostPort, channelCreds, CHANNEL_OPTIONS);
  const shared = { channelOverride: admin.getChannel() };
  let health: HealthClient | undefined;
  return {
    admin,
    client: new v1.Client(hostPort, channelCreds, shared),
    gateway: new v1.Gateway(hostPort, channelCreds, shared),
    get health() { return (health ??= healthClient(hostPort, channelCreds, shared)); },
    close: () => admin.close(),
  };
}

/** Request and response types of a generated unary method (read from its (argument, callback) overload). */
export type RequestOf<F> = F extends (argument: infer A, callback: grpc.requestCallback<infer _R>) => grpc.ClientUnaryCall ? A : never;
export type ResponseOf<F> = F extends (argument: infer _A, callback: grpc.requestCallback<infer R>) => grpc.ClientUnaryCall ? R : never;

/** Unary methods of a client, by name. */
export type UnaryMethods<C> = { [K in keyof C]: RequestOf<C[K]> extends never ? never : K }[keyof C] & string;

/** Calls a unary method and resolves with its response; default deadline 30 s. */
export function call<C extends grpc.Client, M extends UnaryMethods<C>>(
  client: C, method: M, request: RequestOf<C[M]>, options: { deadlineMs?: number; metadata?: grpc.Metadata } = {},
): Promise<ResponseOf<C[M]>> {
  const fn = client[method] as unknown as (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: unknown) => void) => grpc.ClientUnaryCall;
  return new Promise((resolve, reject) => {
    fn.call(client, request, options.metadata ?? new grpc.Metadata(), { deadline: Date.now() + (options.deadlineMs ?? 30_000) },
      (err, res) => (err ? reject(err) : resolve(res as ResponseOf<C[M]>)));
  });
}

/** True when `err` is a gRPC status error (has a numeric code). */
export function isServiceError(err: unknown): err is grpc.ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'details' in err;
}

/** "PERMISSION_DENIED: not an admin" for gRPC errors, the message otherwise. */
export function grpcErrorMessage(err: unknown): string {
  if (isServiceError(err)) return `${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`;
  return err instanceof Error ? err.message : String(err);
}
