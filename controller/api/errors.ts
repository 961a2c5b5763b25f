// The one place that turns errors into gRPC statuses (the unary wrapper in handler.ts and the
// streaming handlers apply it to whatever they catch): a DomainError keeps its message and
// gets the status of its kind, anything else becomes INTERNAL without detail (the cause is
// logged, never sent).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../common/log.js';
import { DomainError, type ErrorKind } from '../errors.js';

const STATUS_OF: Record<ErrorKind, grpc.status> = {
  invalid: grpc.status.INVALID_ARGUMENT,
  not_found: grpc.status.NOT_FOUND,
  already_exists: grpc.status.ALREADY_EXISTS,
  permission_denied: grpc.status.PERMISSION_DENIED,
  unauthenticated: grpc.status.UNAUTHENTICATED,
  failed_precondition: grpc.status.FAILED_PRECONDITION,
  resource_exhausted: grpc.status.RESOURCE_EXHAUSTED,
  unavailable: grpc.status.UNAVAILABLE,
  deadline_exceeded: grpc.status.DEADLINE_EXCEEDED,
  internal: grpc.status.INTERNAL,
};

/**
 * A DomainError seen from the transport: it also carries the gRPC code its kind maps to, so
 * the transport's own refusals (authorization, request validation) can be handed to grpc-js
 * as they are, also by handlers that do not go through `toStatus`.
 */
export class RpcError extends DomainError {
  readonly code: grpc.status;
  constructor(kind: ErrorKind, message: string) {
    super(kind, message);
    this.code = STATUS_OF[kind];
  }
}

/** The status to send for an error thrown by a handler. */
export function toStatus(err: unknown, log: Logger, method: string): Partial<grpc.StatusObject> {
  if (err instanceof DomainError) return { code: STATUS_OF[err.kind], details: err.message };
  log.error({ err, method }, 'handler failed');
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}
