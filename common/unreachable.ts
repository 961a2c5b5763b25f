// Whether a failed call never reached its controller: only then may a caller repeat it on
// another controller, because nothing was sent there (a call that reached a controller and
// failed otherwise may have had its effect, and is never repeated).
import { status } from '@grpc/grpc-js';
import { isServiceError } from './grpc.js';

/** Socket errors raised before a connection existed. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

export function isUnreachable(err: unknown): boolean {
  // grpc-js says "No connection established" when the call was never sent on a connection.
  if (isServiceError(err)) return err.code === status.UNAVAILABLE && /^No connection established/.test(err.details);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && CONNECT_ERRORS.has(code);
}
