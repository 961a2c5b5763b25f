// gRPC status errors for handlers, and the wrapper that turns whatever a handler throws into
// a status: deliberate RpcErrors keep their code and message, anything else becomes INTERNAL
// without detail (the cause is logged, never sent).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../common/log.js';

export class RpcError extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
  }

  /** The object grpc-js sends to the caller. */
  toStatus(): Partial<grpc.StatusObject> {
    return { code: this.code, details: this.message };
  }
}

export const invalidArgument = (msg: string) => new RpcError(grpc.status.INVALID_ARGUMENT, msg);
export const permissionDenied = (msg: string) => new RpcError(grpc.status.PERMISSION_DENIED, msg);
export const unauthenticated = (msg: string) => new RpcError(grpc.status.UNAUTHENTICATED, msg);
export const notFound = (msg: string) => new RpcError(grpc.status.NOT_FOUND, msg);
export const alreadyExists = (msg: string) => new RpcError(grpc.status.ALREADY_EXISTS, msg);
export const failedPrecondition = (msg: string) => new RpcError(grpc.status.FAILED_PRECONDITION, msg);

/** The status to send for an error thrown by a handler. */
export function toStatus(err: unknown, log: Logger, method: string): Partial<grpc.StatusObject> {
  if (err instanceof RpcError) return err.toStatus();
  log.error({ err, method }, 'handler failed');
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}

/** Adapts an async unary handler (request -> response) to grpc-js, mapping thrown errors to statuses. */
export function unary<Req, Res>(log: Logger, method: string, fn: (call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve().then(() => fn(call)).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toStatus(err, log, method)),
    ).catch((err: unknown) => log.error({ err, method }, 'answering the call failed'));
  };
}
