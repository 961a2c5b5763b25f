// The one place an unexpected error ends up when it is caught at a boundary — a gRPC handler,
// a step after a commit (publishing to gateways, client events, timers), a stream event, the
// process itself — instead of ending the controller: it is logged with where it happened and
// counted (`wicket_internal_errors_total{where}`). The boundary decides what else to do (end
// the affected session, answer INTERNAL).
import type { Counter } from 'prom-client';
import type { Logger } from '../common/log.js';

export type InternalErrorReporter = (where: string, err: unknown) => void;

export function internalErrorReporter(log: Logger, metrics: { internalErrors: Counter<'where'> }): InternalErrorReporter {
  return (where, err) => {
    metrics.internalErrors.inc({ where });
    log.error({ err, where }, 'internal error caught; the controller carries on');
  };
}

/** `fn` as a callback (timer, event listener) whose throw is reported instead of escaping to the event loop. */
export function guarded<A extends unknown[]>(report: InternalErrorReporter, where: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (err) {
      report(where, err);
    }
  };
}
