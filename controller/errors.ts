// The errors domain code throws when it refuses a request. Each carries a kind saying why
// (not how the transport spells it) and a message for the caller; the transport maps kinds to
// its status codes in one place (api/errors.ts), so domain code never imports gRPC.

export type ErrorKind =
  | 'invalid'
  | 'not_found'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'unavailable'
  | 'deadline_exceeded'
  | 'internal';

/** A deliberate refusal: its message is meant for the caller. */
export class DomainError extends Error {
  constructor(readonly kind: ErrorKind, message: string) {
    super(message);
  }
}

export const invalidArgument = (msg: string) => new DomainError('invalid', msg);
export const notFound = (msg: string) => new DomainError('not_found', msg);
export const alreadyExists = (msg: string) => new DomainError('already_exists', msg);
export const permissionDenied = (msg: string) => new DomainError('permission_denied', msg);
export const unauthenticated = (msg: string) => new DomainError('unauthenticated', msg);
export const failedPrecondition = (msg: string) => new DomainError('failed_precondition', msg);
export const resourceExhausted = (msg: string) => new DomainError('resource_exhausted', msg);
export const unavailable = (msg: string) => new DomainError('unavailable', msg);
export const deadlineExceeded = (msg: string) => new DomainError('deadline_exceeded', msg);
