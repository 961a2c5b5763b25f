// The server-sent events behind a session's page: Admin.WatchSession, called with the
// signed-in admin's own certificate, relayed to the browser as `acks` events (each gateway's
// acknowledgement state), then `end` once every gateway has acknowledged, or `failed` with
// the Admin API's reason. The reply is written raw (fastify hands the socket over), so the
// headers fastify and helmet prepared, the Content-Security-Policy among them, are copied
// onto it first. When the browser goes away the gRPC stream is cancelled, which frees the
// controller's watch at once.
import * as grpc from '@grpc/grpc-js';
import type { FastifyReply } from 'fastify';
import type { AdminClient } from '../../../proto/generated/wicket/v1/Admin.js';
import type { GatewayAck__Output as GatewayAck } from '../../../proto/generated/wicket/v1/GatewayAck.js';
import type { Session__Output as Session } from '../../../proto/generated/wicket/v1/Session.js';

export function relayAcks<A>(reply: FastifyReply, admin: AdminClient, id: string, ackState: (a: GatewayAck) => A): void {
  reply.hijack();
  const raw = reply.raw;
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
  const stream = admin.WatchSession({ id });
  let open = true;
  const send = (event: string, data: unknown) => {
    if (open) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const finish = () => {
    if (!open) return;
    open = false;
    raw.end();
  };
  stream.on('data', (s: Session) => send('acks', { state: s.state, acks: s.acks.map(ackState) }));
  // Every outcome arrives as a status; the error event is only its duplicate.
  stream.on('error', () => undefined);
  stream.on('status', (status: grpc.StatusObject) => {
    if (status.code === grpc.status.OK) send('end', {});
    else if (status.code !== grpc.status.CANCELLED) send('failed', { message: status.details });
    finish();
  });
  raw.on('close', () => {
    open = false;
    stream.cancel();
  });
}
