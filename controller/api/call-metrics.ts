// A gRPC server interceptor counting every finished call by service, method and status code
// (`wicket_grpc_server_handled_total`), so refused calls — wrong certificate kind, invalid
// input, a session that is not yours — are visible in the metrics whatever handler refused;
// an INTERNAL or UNKNOWN status also counts in `wicket_internal_errors_total`.
import * as grpc from '@grpc/grpc-js';
import type { Counter } from 'prom-client';

/** `/wicket.v1.Admin/ListUsers` → ['wicket.v1.Admin', 'ListUsers']. */
export function splitMethodPath(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  return [path.slice(1, slash), path.slice(slash + 1)];
}

export function callMetricsInterceptor(handled: Counter<'service' | 'method' | 'code'>, internalErrors?: Counter<'where'>): grpc.ServerInterceptor {
  return (descriptor, call) => {
    const [service, method] = splitMethodPath(descriptor.path);
    return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder()
      .withSendStatus((status, next) => {
        handled.inc({ service, method, code: grpc.status[status.code] ?? String(status.code) });
        // Every handler's unexpected throw ends here as INTERNAL (errors.ts) or, from grpc-js
        // itself, UNKNOWN: one count whatever handler it was.
        if (status.code === grpc.status.INTERNAL || status.code === grpc.status.UNKNOWN) internalErrors?.inc({ where: `${service}/${method}` });
        next(status);
      })
      .build());
  };
}
