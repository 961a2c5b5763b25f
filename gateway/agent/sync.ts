// The gateway's Sync stream client: says hello, applies the controller's snapshot and ordered
// deltas through the DataPlane strictly in order (what queued up during an apply is merged
// into one, see coalesce.ts), acks the newest version applied with its apply time, and
// reconnects with backoff + jitter. While disconnected it changes nothing, so sessions only
// ever shrink (by their kernel timeouts) until the next stream brings the state again. The
// data plane outlives a stream, so the version last applied is kept across the streams of
// one process and named in the Hello: the controller resumes with the deltas after it
// (no snapshot) when it still has them. After a failed apply the version is unknown (0).
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { GatewayHello } from '../../proto/generated/wicket/v1/GatewayHello.js';
import type { SyncDown__Output } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { SyncUp } from '../../proto/generated/wicket/v1/SyncUp.js';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import { grpcErrorMessage } from '../../common/grpc.js';
import type { Logger } from '../../common/log.js';
import type { ApplyResult, DataPlane } from '../dataplane/dataplane.js';
import type { DesiredSession } from '../dataplane/session.js';
import type { ApplyKind, GatewayMetrics } from '../metrics.js';
import type { FailoverBackoff } from '../../common/failover.js';
import { ReconnectLoop } from './reconnect.js';
import { toDesiredSessions } from './desired.js';
import { takeWork, type Work } from './coalesce.js';

export type SyncStream = ClientDuplexStream<SyncUp, SyncDown__Output>;

/**
 * What a version changed, for what follows the applied state besides the data plane (the
 * proxy). `sessions` are those the data plane took (a delta's refused upserts are in
 * `removes`: they are never granted). When the apply failed (`applied` false) only what
 * shrinks may be used — the removals, or for a snapshot the sessions it no longer holds —
 * because nothing else is known.
 */
export interface AppliedChange {
  kind: ApplyKind;
  applied: boolean;
  sessions: GatewaySession__Output[];
  removes: string[];
  config: GatewayConfig__Output | null;
}

export interface SyncObserver {
  /** Awaited before the version is acked; a failure is logged, never fails the version. */
  applied(change: AppliedChange): Promise<void>;
}

export interface SyncAgentOptions {
  /** Opens a new Sync stream to controller number `controller` of the list (mutual TLS, gateway certificate). */
  open(controller: number): SyncStream;
  /** How many controllers the list has (default 1). */
  controllers?: number;
  dataPlane: DataPlane;
  hello: GatewayHello;
  log: Logger;
  metrics: GatewayMetrics;
  backoff?: FailoverBackoff;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  /** Waits before a reconnect; ends early when `signal` aborts (stop). Injected by tests. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told about every applied version (the proxy's sessions and configuration). */
  observer?: SyncObserver;
}

/** What the agent does with one message from the controller. */
type Verdict = 'continue' | 'resync';

/**
 * The decision on the ordering of an incoming delta: it applies only on top of the version
 * just applied. Anything else (a gap, a repeat, or no known base after a failed apply) means
 * the local state cannot be trusted to match, so the stream is dropped for a fresh snapshot.
 */
export function deltaFollows(lastApplied: number | undefined, version: number): boolean {
  return lastApplied !== undefined && version === lastApplied + 1;
}

export class SyncAgent {
  private current: SyncStream | undefined;
  private readonly reconnect: ReconnectLoop;
  /** The version the data plane holds (undefined: unknown, a snapshot must come first); kept across streams. */
  private last: number | undefined;

  constructor(private readonly options: SyncAgentOptions) {
    this.reconnect = new ReconnectLoop((controller) => this.runStream(controller), () => this.current?.cancel(), {
      controllers: options.controllers, backoff: options.backoff, random: options.random, wait: options.wait,
      onReconnect: (delayMs, attempt, controller) => {
        options.metrics.reconnects.inc();
        options.log.info({ delayMs, attempt, controller }, 'reconnecting to the controller');
      },
    });
  }

  private get stopped(): boolean {
    return this.reconnect.stopped;
  }

  /** Starts the connect / apply / reconnect loop (idempotent). A stream that delivered a snapshot or a following delta was healthy. */
  start(): void {
    this.reconnect.start();
  }

  /**
   * Closes the stream and ends the loop after any apply in progress has finished. The data
   * plane is left as it is: its element timeouts end every session on time.
   */
  stop(): Promise<void> {
    return this.reconnect.stop();
  }

  /** One stream's life; resolves true when a snapshot or a following delta arrived on it. */
  private async runStream(controller: number): Promise<boolean> {
    const { log, metrics } = this.options;
    const call = this.options.open(controller);
    this.current = call;
    const state: { synced: boolean } = { synced: false };
    // Messages queue while an apply runs; each turn takes all of them (see coalesce.ts).
    const queue: SyncDown__Output[] = [];
    let ended = false;
    let wakeUp: (() => void) | undefined;
    const notify = () => wakeUp?.();
    call.on('data', (m: SyncDown__Output) => {
      queue.push(m);
      notify();
    });
    call.on('end', () => {
      ended = true;
      notify();
    });
    call.on('error', (err: unknown) => {
      if (!ended && !this.stopped) log.warn({ error: grpcErrorMessage(err) }, 'sync stream failed');
      ended = true;
      notify();
    });
    try {
      call.write({ hello: { ...this.options.hello, appliedVersion: this.last ?? 0 } });
      while (!this.stopped) {
        if (queue.length === 0) {
          if (ended) break;
          await new Promise<void>((resolve) => { wakeUp = resolve; });
          wakeUp = undefined;
          continue;
        }
        if ((await this.handle(call, takeWork(queue), state)) === 'resync') break;
      }
      if (ended && !this.stopped) log.warn('the controller closed the sync stream');
    } finally {
      call.cancel();
      this.current = undefined;
      metrics.syncConnected.set(0);
    }
    return state.synced;
  }

  private synced(state: { synced: boolean }): void {
    if (state.synced) return;
    state.synced = true;
    this.options.metrics.syncConnected.set(1);
  }

  private async handle(call: SyncStream, work: Work, state: { synced: boolean }): Promise<Verdict> {
    const { log, metrics, dataPlane } = this.options;
    const started = process.hrtime.bigint();
    if (work.kind === 'snapshot') {
      this.synced(state);
      const { version, config } = work.message.snapshot!;
      const { sessions, refused } = toDesiredSessions(work.message.snapshot!.sessions);
      const taken = tookOf(work.message.snapshot!.sessions, sessions);
      this.last = await this.apply(call, { kind: 'snapshot', version, upserts: sessions, removes: [], refused, started },
        () => dataPlane.applySnapshot(version, sessions),
        (applied) => ({ kind: 'snapshot', applied, sessions: taken.sessions, removes: [], config }));
      return 'continue';
    }
    if (work.kind === 'delta') {
      const { version, removes } = work;
      if (!deltaFollows(this.last, work.firstVersion)) {
        metrics.versionGaps.inc();
        log.warn({ expected: this.last === undefined ? 'a snapshot' : this.last + 1, got: work.firstVersion }, 'out-of-order delta: resyncing');
        // Whatever the data plane holds, the controller is told to send a snapshot next.
        this.last = undefined;
        return 'resync';
      }
      this.synced(state);
      const { sessions, refused } = toDesiredSessions(work.upserts);
      const taken = tookOf(work.upserts, sessions);
      this.last = await this.apply(call, { kind: 'delta', version, upserts: sessions, removes, refused, started },
        () => dataPlane.applyDelta(version, sessions, removes),
        (applied) => ({ kind: 'delta', applied, sessions: taken.sessions, removes: [...removes, ...taken.refusedIds], config: work.config }));
      return 'continue';
    }
    log.warn({ msg: work.message.msg ?? null }, 'unexpected sync message: resyncing');
    return 'resync';
  }

  /**
   * Runs one version through the data plane and acks it. Resolves to the version now applied,
   * or undefined when the data plane failed (its state is then unknown: only a snapshot may
   * follow). Sessions refused by validation were left out (never granted); the version is
   * still acked as applied, because the state is known ("desired minus refused") and the
   * controller answers any ack error with a fresh snapshot, which would carry the same
   * session again and loop. They are logged by id and counted instead.
   */
  private async apply(
    call: SyncStream,
    v: { kind: ApplyKind; version: number; upserts: DesiredSession[]; removes: string[]; refused: string[]; started: bigint },
    execute: () => Promise<ApplyResult>,
    change: (applied: boolean) => AppliedChange,
  ): Promise<number | undefined> {
    const { log, metrics } = this.options;
    const { kind, version } = v;
    let result: ApplyResult;
    try {
      result = await execute();
    } catch (err) {
      const error = `applying ${kind} version ${version} failed: ${(err as Error).message}`;
      log.error({ version, kind }, error);
      metrics.applyErrors.inc({ kind });
      await this.observe(change(false));
      this.ack(call, { version, applyUs: 0, error });
      return undefined;
    }
    await this.observe(change(true));
    const applyUs = Number((process.hrtime.bigint() - v.started) / 1000n);
    metrics.applySeconds.observe({ kind }, applyUs / 1e6);
    metrics.appliedVersion.set(version);
    metrics.sessions.set(result.sessions);
    if (v.refused.length > 0) {
      metrics.refusedSessions.inc(v.refused.length);
      log.error({ version, kind, refused: v.refused }, 'sessions refused: not enforced');
    }
    // Ids only: a session carries its preshared key. A snapshot may hold thousands: count them.
    if (kind === 'snapshot') log.info({ version, applyUs, sessions: v.upserts.length }, 'snapshot applied');
    else log.debug({ version, applyUs, upserts: v.upserts.map((s) => s.id), removes: v.removes }, 'delta applied');
    this.ack(call, { version, applyUs, error: '' });
    return version;
  }

  private async observe(change: AppliedChange): Promise<void> {
    try {
      await this.options.observer?.applied(change);
    } catch (err) {
      this.options.log.error({ kind: change.kind, err: (err as Error).message }, 'the applied state could not be passed on to the proxy');
    }
  }

  private ack(call: SyncStream, ack: { version: number; applyUs: number; error: string }): void {
    // A write after the stream closed is dropped by grpc-js; the next stream starts with a snapshot.
    if (!call.writable) return;
    call.write({ ack });
  }
}

/** The proto sessions the data plane took, and the ids of those it refused. */
function tookOf(all: readonly GatewaySession__Output[], taken: readonly DesiredSession[]): { sessions: GatewaySession__Output[]; refusedIds: string[] } {
  const ids = new Set(taken.map((s) => s.id));
  return { sessions: all.filter((s) => ids.has(s.id)), refusedIds: all.filter((s) => !ids.has(s.id)).map((s) => s.id) };
}
