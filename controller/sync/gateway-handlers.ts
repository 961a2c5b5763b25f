// The Gateway service (gateway certificates on the API port): the Sync stream that carries
// each gateway's desired state (a snapshot or, resuming, the deltas after the version its
// Hello says it applied; then ordered deltas) and its acks. The fan-out
// logic is in controller/sync/fanout.ts; api/handler.ts authorizes the stream and validates
// each message; this file checks their order and adapts them to the fan-out. A Hello
// must carry the WireGuard key and endpoint bound to the gateway (controller/sync/hello.ts);
// one Hello per stream, and Hellos per gateway are rate limited, because each costs a
// snapshot and an audit record. Refusals are audited once per window, not once per call.
// Handling a message reads and writes the store, so the messages of one stream are handled
// one after the other, in the order they arrived (a Hello is done before the first ack).
import { Counter, type Registry } from 'prom-client';
import type { GatewayHandlers } from '../../proto/generated/wicket/v1/Gateway.js';
import type { SyncFanout } from './fanout.js';
import { helloRefusal, normalizeEndpoint } from './hello.js';
import { duplex, type HandlerDeps } from '../api/handler.js';
import type { GatewayStreams } from '../api/gateway-streams.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import { toStatus } from '../api/errors.js';
import { failedPrecondition, invalidArgument, permissionDenied, resourceExhausted } from '../errors.js';
import { OncePerWindow } from '../throttle/once-per-window.js';
import { TokenBuckets } from '../throttle/token-buckets.js';
import type { ValidRequest } from '../api/validate.js';
import { guarded, type InternalErrorReporter } from '../internal-errors.js';
import type { GatewayPresence } from '../gateways/presence.js';

export interface HelloLimits {
  /** Hellos a gateway may send at once (reconnects after a partition or a restart). */
  burst: number;
  /** Hellos per second refilled. */
  perSecond: number;
  /** A refused or throttled Hello is audited at most once per this window, per gateway and reason. */
  auditWindowMs: number;
}

/**
 * The gateway agent reconnects with backoff (at most a few streams per second, fewer the
 * longer it fails): ten at once, then one every six seconds, never throttles it.
 */
export const DEFAULT_HELLO_LIMITS: HelloLimits = { burst: 10, perSecond: 1 / 6, auditWindowMs: 60_000 };

export interface GatewayServiceDeps extends HandlerDeps {
  store: Store;
  audit: Audit;
  gatewayStreams: GatewayStreams;
  metrics: { registry: Registry };
  now: () => number;
  reportInternal: InternalErrorReporter;
  /** Marks the gateway's stream held by this controller, and clears the mark (controller/gateways/presence.ts). */
  presence: Pick<GatewayPresence, 'markConnected' | 'markDisconnected'>;
}

/**
 * Called after a Hello is accepted and before the gateway's snapshot is built: whatever the
 * snapshot must reflect (service address, signing key, sessions re-evaluated) is made here.
 */
export type BeforeAttach = (gateway: string) => Promise<void> | void;

export function gatewayService(ctx: GatewayServiceDeps, fanout: SyncFanout, beforeAttach: BeforeAttach = () => undefined, limits: HelloLimits = DEFAULT_HELLO_LIMITS): Pick<GatewayHandlers, 'Sync'> {
  const registers = [ctx.metrics.registry];
  const refusedHellos = new Counter({
    name: 'wicket_sync_hellos_refused_total', help: 'Sync Hellos refused because the WireGuard key or endpoint is not the one bound to the gateway',
    labelNames: ['gateway', 'reason'], registers,
  });
  const throttledHellos = new Counter({
    name: 'wicket_sync_hellos_throttled_total', help: 'Sync Hellos refused as repeated on one stream or too frequent', labelNames: ['gateway'], registers,
  });
  const hellos = new TokenBuckets(limits.burst, limits.perSecond);
  const audits = new OncePerWindow(limits.auditWindowMs);
  /** Audits (and logs) a refusal at most once per window per (gateway, reason), with how many were not audited. */
  const auditRefusal = async (gateway: string, action: string, reason: string, details: Record<string, unknown>) => {
    const { record, suppressed } = audits.admit(`${gateway}\0${action}\0${reason}`, ctx.now());
    if (!record) return;
    await ctx.audit.append(ctx.store, { actor: `gateway:${gateway}`, action, target: gateway, details: { reason, ...details, suppressedSinceLast: suppressed } });
    ctx.log.warn({ gateway, action, reason, ...details, suppressedSinceLast: suppressed }, 'gateway Hello refused');
  };

  return {
    Sync: duplex(ctx.log, { method: 'Gateway.Sync', caller: (call) => ctx.authorize(call, 'gateway'), request: 'SyncUp' }, ({ name, serial }, call) => {
      let attached = false;
      let helloSeen = false;
      let ended = false;
      // The stream may close while its Hello is still awaiting the store: the Hello then stops
      // at its next step (and undoes markConnected if that committed), and the detach below
      // turns an attach still queued in the fan-out into a no-op.
      let streamClosed = false;
      const markDisconnected = () => {
        void Promise.resolve(ctx.presence.markDisconnected(name)).catch((err: unknown) => ctx.reportInternal('Gateway.Sync', err));
      };
      const closed = guarded(ctx.reportInternal, 'Gateway.Sync', () => {
        streamClosed = true;
        unregister();
        if (fanout.detach(name, call)) {
          ctx.log.info({ gateway: name }, 'gateway disconnected');
          markDisconnected();
        }
        attached = false;
      });
      const fail = (err: unknown) => {
        if (ended) return;
        ended = true;
        closed();
        call.emit('error', toStatus(err, ctx.log, 'Gateway.Sync'));
      };
      // Retiring this certificate (re-enrollment) ends the stream at once.
      const unregister = ctx.gatewayStreams.add(name, serial, 'sync', (message) => fail(permissionDenied(message)));

      const hello = async (h: NonNullable<ValidRequest<'SyncUp'>['hello']>) => {
        if (helloSeen) {
          throttledHellos.inc({ gateway: name });
          await auditRefusal(name, 'gateway.hello.throttled', 'repeated', {});
          throw failedPrecondition('Hello was already sent on this stream');
        }
        helloSeen = true;
        const bound = await ctx.store.gateways.get(name);
        if (streamClosed) return;
        const refusal = bound ? helloRefusal(bound, h) : undefined;
        if (refusal) {
          refusedHellos.inc({ gateway: name, reason: refusal.reason });
          await auditRefusal(name, 'gateway.hello.refused', refusal.reason, { publicKey: h.publicKey, endpoint: h.endpoint, serial });
          throw permissionDenied(refusal.message);
        }
        const waitMs = hellos.take(name, 1, ctx.now());
        if (waitMs > 0) {
          throttledHellos.inc({ gateway: name });
          await auditRefusal(name, 'gateway.hello.throttled', 'too frequent', {});
          throw resourceExhausted(`too many Sync streams from this gateway; retry in ${Math.ceil(waitMs / 1000)} s`);
        }
        const endpoint = normalizeEndpoint(h.endpoint);
        // Before the gateway counts as connected: if this throws, it never was.
        await beforeAttach(name);
        if (streamClosed) return;
        await ctx.store.transaction(async (tx) => {
          await ctx.presence.markConnected(tx, name, endpoint, h.publicKey, ctx.now());
          await ctx.audit.append(tx, { actor: `gateway:${name}`, action: 'gateway.connect', target: name, details: { endpoint, agentVersion: h.agentVersion } });
        });
        // Closed meanwhile: the row says connected, but no stream will ever be attached (an
        // older stream still current keeps the gateway connected).
        if (streamClosed) {
          if (!fanout.isConnected(name)) markDisconnected();
          return;
        }
        ctx.log.info({ gateway: name, endpoint }, 'gateway connected');
        attached = true;
        // The gateway resumes from the version it says it applied (the database's applied
        // version is not trusted for this: only the gateway knows what its data plane holds).
        // 0: the stream closed before its turn in the fan-out came, so its detach found
        // nothing to detach and the row is left to this Hello to undo.
        if (await fanout.attach(name, call, h.appliedVersion) === 0 && !fanout.isConnected(name)) markDisconnected();
      };

      call.on('end', () => {
        closed();
        call.end();
      });
      call.on('cancelled', closed);
      call.on('error', closed);
      call.on('close', closed);

      // Each message arrives here validated (api/handler.ts); what is left is its order.
      let handled: Promise<void> = Promise.resolve();
      /** Queues `step` behind the stream's earlier messages; what it throws ends the stream. */
      const enqueue = (step: () => Promise<void> | void) => {
        handled = handled.then(step).catch(fail).catch((err: unknown) => ctx.reportInternal('Gateway.Sync', err));
      };
      const handle = async (msg: ValidRequest<'SyncUp'>) => {
        if (ended) return;
        if (msg.hello) {
          await hello(msg.hello);
        } else if (msg.ack) {
          if (!attached) throw failedPrecondition('send GatewayHello before acks');
          await fanout.ack(name, call, msg.ack.version, msg.ack.applyUs, msg.ack.error);
        } else {
          throw invalidArgument('empty SyncUp message');
        }
      };
      return {
        message: (msg) => enqueue(() => handle(msg)),
        invalid: (err) => enqueue(() => {
          if (!ended) fail(err);
        }),
      };
    }),
  };
}
