// The Gateway service (gateway certificates on the API port): the Sync stream that carries
// each gateway's desired state (snapshot, then ordered deltas) and its acks. The fan-out
// logic is in controller/sync/fanout.ts; this file authorizes, validates and adapts.
import * as grpc from '@grpc/grpc-js';
import type { GatewayHandlers } from '../../proto/generated/wicket/v1/Gateway.js';
import type { SyncUp__Output } from '../../proto/generated/wicket/v1/SyncUp.js';
import type { SyncFanout } from '../sync/fanout.js';
import type { ControllerContext } from './context.js';
import { RpcError, toStatus } from './errors.js';
import { validate } from './validate.js';
import { guarded } from './internal-errors.js';

export function gatewayService(ctx: ControllerContext, fanout: SyncFanout): Pick<GatewayHandlers, 'Sync'> {
  return {
    Sync: (call) => {
      let name: string;
      try {
        const id = ctx.authorize(call, 'gateway');
        name = id.name;
      } catch (err) {
        call.emit('error', toStatus(err, ctx.log, 'Gateway.Sync'));
        return;
      }
      let attached = false;
      const fail = (err: unknown) => {
        if (attached && fanout.detach(name, call)) ctx.store.gateways.markDisconnected(name);
        attached = false;
        call.emit('error', toStatus(err, ctx.log, 'Gateway.Sync'));
      };

      call.on('data', (msg: SyncUp__Output) => {
        try {
          if (msg.hello) {
            const hello = validate('GatewayHello', msg.hello);
            ctx.store.gateways.markConnected(name, hello.endpoint, hello.publicKey, ctx.now());
            ctx.audit.append({ actor: `gateway:${name}`, action: 'gateway.connect', target: name, details: { endpoint: hello.endpoint, agentVersion: hello.agentVersion } });
            ctx.log.info({ gateway: name, endpoint: hello.endpoint }, 'gateway connected');
            fanout.attach(name, call);
            attached = true;
          } else if (msg.ack) {
            if (!attached) throw new RpcError(grpc.status.FAILED_PRECONDITION, 'send GatewayHello before acks');
            const ack = validate('SyncAck', msg.ack);
            fanout.ack(name, call, ack.version, ack.applyUs, ack.error);
          } else {
            throw new RpcError(grpc.status.INVALID_ARGUMENT, 'empty SyncUp message');
          }
        } catch (err) {
          fail(err);
        }
      });
      const closed = guarded(ctx.reportInternal, 'Gateway.Sync', () => {
        if (attached && fanout.detach(name, call)) {
          ctx.store.gateways.markDisconnected(name);
          ctx.log.info({ gateway: name }, 'gateway disconnected');
        }
        attached = false;
      });
      call.on('end', () => {
        closed();
        call.end();
      });
      call.on('cancelled', closed);
      call.on('error', closed);
      call.on('close', closed);
    },
  };
}
