// The one way a handler is served: the wrapper authorizes the caller, then validates the
// request by its proto message, and only then runs the handler with the caller and the
// parsed request, so no handler can skip validation. Whatever the handler throws becomes a
// status through api/errors.ts. Authorization runs first, so an unauthorized caller learns
// nothing about which requests would be valid. Unary calls and server streams have one
// request; a bidirectional stream is authorized once when it opens and has each incoming
// message validated before its handler sees it. Authorization reads the store, so it is
// awaited: nothing of a call is looked at before it resolves. A stream cancelled meanwhile has
// already emitted 'cancelled' and 'close' (and grpc-js destroyed it), so its handler is not
// run: the listeners it would add to clean up (followers, subscriptions) would never fire.
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
  /** Authorizes the call (throws or rejects when refused) and returns the caller the handler acts for. */
  caller: (call: AuthenticatedCall) => Promise<C> | C;
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
    Promise.resolve().then(async () => {
      const caller = await spec.caller(call);
      return fn(validate(spec.request, call.request), caller, call);
    }).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toStatus(err, log, spec.method)),
    ).catch((err: unknown) => log.error({ err, method: spec.method }, 'answering the call failed'));
  };
}

/** Adapts a server-streaming handler: authorize, validate the request, run; a throw or rejection while opening ends the stream with its status. */
export function serverStream<N extends RequestName, C, Req, Res>(
  log: Logger,
  spec: CallSpec<C, N>,
  fn: (req: ValidRequest<N>, caller: C, call: grpc.ServerWritableStream<Req, Res>) => Promise<void> | void,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    Promise.resolve().then(async () => {
      const caller = await spec.caller(call);
      if (gone(call)) return;
      await fn(validate(spec.request, call.request), caller, call);
    }).catch((err: unknown) => call.emit('error', toStatus(err, log, spec.method)));
  };
}

/** The stream was cancelled (or destroyed) while its caller was authorized: nothing is left to serve. */
function gone(call: { cancelled: boolean; destroyed: boolean }): boolean {
  return call.cancelled || call.destroyed;
}

/** What a bidirectional stream does with each incoming message: a valid one, or the reason one was not. */
export interface StreamHandler<V> {
  message(msg: V): void;
  /** The message failed validation; the handler decides how its stream ends. */
  invalid(err: unknown): void;
}

/**
 * Adapts a bidirectional stream whose incoming messages are all of one request type: authorize
 * when it opens (a refusal ends it with its status), then validate every message before the
 * handler `open` returned sees it.
 */
export function duplex<N extends RequestName, C, Req, Res>(
  log: Logger,
  spec: CallSpec<C, N>,
  open: (caller: C, call: grpc.ServerDuplexStream<Req, Res>) => StreamHandler<ValidRequest<N>>,
): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    // Messages wait in the stream until the handler listens: a stream does not flow before
    // its first 'data' listener, which is added only once the caller is authorized.
    Promise.resolve().then(async () => {
      const caller = await spec.caller(call);
      if (!gone(call)) listen(caller, call);
    }).catch((err: unknown) => call.emit('error', toStatus(err, log, spec.method)));
  };

  function listen(caller: C, call: grpc.ServerDuplexStream<Req, Res>): void {
    const handler = open(caller, call);
    call.on('data', (msg: Req) => {
      let valid: ValidRequest<N>;
      try {
        valid = validate(spec.request, msg);
      } catch (err) {
        handler.invalid(err);
        return;
      }
      handler.message(valid);
    });
  }
}
