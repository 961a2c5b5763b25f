// The one way a unary handler is served: the wrapper authorizes the caller, then validates
// the request by its proto message, and only then runs the handler with the caller and the
// parsed request, so no handler can skip validation. Whatever the handler throws becomes a
// status through api/errors.ts. Authorization runs first, so an unauthorized caller learns
// nothing about which requests would be valid.
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../common/log.js';
import type { AuthenticatedCall, Authorize } from './authz.js';
import { toStatus } from './errors.js';
import { validate, type RequestName, type ValidRequest } from './validate.js';

/** What every RPC adapter takes: the authorizer its callers pass and the log its failures go to. */
export interface HandlerDeps {
  authorize: Authorize;
  log: Logger;
}

/** What a handler serves: its method name (for logs), who may call it and the request message it takes. */
export interface CallSpec<C, N extends RequestName> {
  method: string;
  /** Authorizes the call (throws when refused) and returns the caller the handler acts for. */
  caller: (call: AuthenticatedCall) => C;
  request: N;
}

/** Anyone may call (the auth port's calls, which prove who they are in the request). */
export const anyone = (): undefined => undefined;

/** Adapts an async unary handler to grpc-js: authorize, validate, run, map thrown errors to statuses. */
export function unary<N extends RequestName, C, Req, Res>(
  log: Logger,
  spec: CallSpec<C, N>,
  fn: (req: ValidRequest<N>, caller: C, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve().then(() => {
      const caller = spec.caller(call);
      return fn(validate(spec.request, call.request), caller, call);
    }).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toStatus(err, log, spec.method)),
    ).catch((err: unknown) => log.error({ err, method: spec.method }, 'answering the call failed'));
  };
}
