// The controller side of the gateways' Sync streams: per gateway, a version that only grows
// (persisted, so it survives controller restarts), a full snapshot on every (re)connect,
// ordered deltas after it, and the acknowledgements that turn "pushed" into "enforced".
// An error ack asks for a fresh snapshot; those snapshots are rate limited per gateway (a
// burst, then one per interval, later error acks coalescing into the one scheduled), so a
// gateway repeating error acks cannot make the controller build snapshot after snapshot.
// The store is asynchronous, so each gateway has a queue: its snapshots, deltas and acks are
// handled one after the other, in the order they were asked for. The session layer publishes
// right after the transaction that made a change commits, so deltas leave in commit order and
// each version is persisted before it is sent. Each snapshot carries the gateway's
// configuration (GatewayConfig); a changed configuration goes out as a delta in the same
// version sequence, so it stays ordered with the session deltas.
import type { Logger } from '../../common/log.js';
import type { GatewaySession } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { GatewayConfig } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import type { SyncDown } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { GatewayStore } from '../gateways/gateway-store.js';
import { TokenBuckets } from '../throttle/token-buckets.js';

/** The part of a gRPC server stream the fan-out needs. */
export interface SyncStream {
  write(message: SyncDown): unknown;
  end(): void;
}

export interface GatewayChange {
  upserts: GatewaySession[];
  removes: string[];
  /** The gateway's whole configuration, when it changed. */
  config?: GatewayConfig;
}

export interface AckListener {
  (gateway: string, version: number, atMs: number): Promise<void> | void;
}

/** Called in the gateway's queue right after a delta was sent (before any later ack is handled). */
export type SentListener = (gateway: string, version: number, change: GatewayChange) => Promise<void>;

/** Latency histograms the fan-out observes (prom-client Histograms in production). */
export interface SyncMetrics {
  /** Delta or snapshot sent -> acknowledged, in seconds. */
  ackSeconds: { observe(labels: { gateway: string }, value: number): void };
  /** Revocation sent -> acknowledged (enforced at the gateway), in seconds, one per revoked session. */
  revocationSeconds: { observe(labels: { gateway: string }, value: number): void };
  /**
   * Acks ignored: of a version never sent, older than one already acked (replayed,
   * reordered), or error acks beyond the snapshot rate (throttled).
   */
  ignoredAcks: { inc(labels: { gateway: string; reason: 'never_sent' | 'stale' | 'throttled' }): void };
}

interface Sent {
  atMs: number;
  removes: number;
}

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Snapshots an error ack may cause: a burst, then one per interval. */
export interface ResnapshotLimits { burst: number; intervalMs: number }

export const DEFAULT_RESNAPSHOT_LIMITS: ResnapshotLimits = { burst: 3, intervalMs: 10_000 };

export class SyncFanout {
  private readonly streams = new Map<string, SyncStream>();
  /** Streams that ended, so that an attach still queued for one of them does nothing. */
  private readonly ended = new WeakSet<SyncStream>();
  /** Snapshots resent after error acks, per gateway. */
  private readonly resnapshots: TokenBuckets;
  /** A resend scheduled for later (at most one per gateway). */
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly versions = new Map<string, number>();
  /** The latest version each gateway acknowledged, once read or heard. */
  private readonly applied = new Map<string, number>();
  /** Versions sent and not yet acknowledged, per gateway, for the latency histograms. */
  private readonly sent = new Map<string, Map<number, Sent>>();
  /** The configuration each connected gateway was last sent (JSON), to send only changes. */
  private readonly configs = new Map<string, string>();
  /** Per gateway, the end of its queue of snapshots, deltas and acks. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly deps: {
    gateways: GatewayStore;
    /** Every session the gateway must serve now. */
    snapshot: (gateway: string) => Promise<GatewaySession[]> | GatewaySession[];
    /** The gateway's configuration now (none: snapshots carry none). */
    config?: (gateway: string) => Promise<GatewayConfig> | GatewayConfig;
    /** Called after an ack is recorded (session ack state, metrics), before waiters are released. */
    onAck: AckListener;
    /**
     * Called after a gateway's stream opened (its snapshot sent) or its current stream closed:
     * the clients of its sessions learn whether it is connected.
     */
    onConnectivity?: (gateway: string, connected: boolean) => void;
    log: Logger;
    metrics?: SyncMetrics;
    now?: () => number;
    resnapshot?: ResnapshotLimits;
    /** Where an error in a timer's snapshot ends up (default: the log). */
    reportInternal?: (where: string, err: unknown) => void;
  }) {
    const limits = deps.resnapshot ?? DEFAULT_RESNAPSHOT_LIMITS;
    this.resnapshots = new TokenBuckets(limits.burst, 1000 / limits.intervalMs);
  }

  /** Runs `fn` after everything queued for `gateway` before it. */
  private serial<T>(gateway: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(gateway) ?? Promise.resolve()).then(fn);
    const tail = run.then(() => undefined, () => undefined);
    this.queues.set(gateway, tail);
    void tail.then(() => {
      if (this.queues.get(gateway) === tail) this.queues.delete(gateway);
    });
    return run;
  }

  private internal(where: string, err: unknown): void {
    if (this.deps.reportInternal) this.deps.reportInternal(where, err);
    else this.deps.log.error({ err, where }, 'internal error caught');
  }

  private markSent(gateway: string, version: number, removes: number): void {
    const pending = this.sent.get(gateway) ?? this.sent.set(gateway, new Map()).get(gateway)!;
    pending.set(version, { atMs: this.now(), removes });
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The gateway's next version, persisted before it is used (only ever called in its queue). */
  private async nextVersion(gateway: string): Promise<number> {
    const current = this.versions.get(gateway) ?? (await this.deps.gateways.get(gateway))?.desiredVersion ?? 0;
    const next = current + 1;
    await this.deps.gateways.setDesiredVersion(gateway, next);
    this.versions.set(gateway, next);
    return next;
  }

  private async appliedVersion(gateway: string): Promise<number> {
    const known = this.applied.get(gateway);
    if (known !== undefined) return known;
    const stored = (await this.deps.gateways.get(gateway))?.appliedVersion ?? 0;
    const applied = Math.max(stored, this.applied.get(gateway) ?? 0);
    this.applied.set(gateway, applied);
    return applied;
  }

  isConnected(gateway: string): boolean {
    return this.streams.has(gateway);
  }

  connected(): string[] {
    return [...this.streams.keys()];
  }

  /**
   * A gateway opened its stream (after Hello): a newer stream replaces an older one, and the
   * gateway gets a full snapshot before anything else. Resolves with the snapshot's version
   * (0 when the stream ended before its turn came).
   */
  attach(gateway: string, stream: SyncStream): Promise<number> {
    return this.serial(gateway, async () => {
      if (this.ended.has(stream)) return 0;
      const previous = this.streams.get(gateway);
      this.streams.set(gateway, stream);
      if (previous && previous !== stream) {
        this.ended.add(previous);
        previous.end();
      }
      // When the snapshot fails the caller ends the stream, and its detach forgets it.
      const version = await this.sendSnapshot(gateway, stream);
      this.deps.onConnectivity?.(gateway, true);
      return version;
    });
  }

  /** Builds and sends a snapshot; only ever called in the gateway's queue. */
  private async sendSnapshot(gateway: string, stream: SyncStream): Promise<number> {
    const sessions = await this.deps.snapshot(gateway);
    const config = await this.deps.config?.(gateway);
    const version = await this.nextVersion(gateway);
    stream.write({ snapshot: { version, sessions, ...(config && { config }) } });
    if (config) this.configs.set(gateway, JSON.stringify(config));
    // A snapshot supersedes whatever was in flight on an earlier stream.
    this.sent.set(gateway, new Map());
    this.markSent(gateway, version, 0);
    this.deps.log.info({ gateway, version, sessions: sessions.length }, 'sync snapshot sent');
    return version;
  }

  /** Sends a connected gateway a fresh snapshot (its deltas could not be sent). */
  resync(gateway: string): Promise<void> {
    return this.serial(gateway, async () => {
      const stream = this.streams.get(gateway);
      if (stream) await this.sendSnapshot(gateway, stream);
    });
  }

  /** The stream ended; only the current stream of a gateway counts. */
  detach(gateway: string, stream: SyncStream): boolean {
    this.ended.add(stream);
    if (this.streams.get(gateway) !== stream) return false;
    this.streams.delete(gateway);
    this.configs.delete(gateway);
    this.deps.onConnectivity?.(gateway, false);
    return true;
  }

  /**
   * Queues one delta per gateway in `changes` and resolves with the version each connected
   * one got (the order of calls is the order of versions). A gateway that is not connected
   * when its turn comes gets nothing now: its next snapshot carries the state. `onSent` runs
   * in the gateway's queue right after each delta is written, so an ack of that version is
   * handled only after it.
   */
  async publish(changes: Map<string, GatewayChange>, onSent?: SentListener): Promise<Map<string, number>> {
    const sends: Promise<[string, number] | undefined>[] = [];
    for (const [gateway, change] of changes) {
      if (change.upserts.length === 0 && change.removes.length === 0 && !change.config) continue;
      sends.push(this.serial(gateway, async () => {
        const stream = this.streams.get(gateway);
        if (!stream) return undefined;
        const version = await this.nextVersion(gateway);
        stream.write({ delta: { version, upserts: change.upserts, removes: change.removes, ...(change.config && { config: change.config }) } });
        if (change.config) this.configs.set(gateway, JSON.stringify(change.config));
        this.markSent(gateway, version, change.removes.length);
        await onSent?.(gateway, version, change);
        return [gateway, version];
      }));
    }
    const versions = new Map<string, number>();
    for (const sent of await Promise.all(sends)) if (sent) versions.set(sent[0], sent[1]);
    return versions;
  }

  /**
   * Sends each connected gateway of `gateways` (default: all) whose configuration changed
   * since it was last sent a delta carrying the new one. Resolves with the versions sent.
   */
  async refreshConfigs(gateways: readonly string[] = this.connected()): Promise<Map<string, number>> {
    const build = this.deps.config;
    if (!build) return new Map();
    const sends = gateways.map((gateway) => this.serial(gateway, async (): Promise<[string, number] | undefined> => {
      const stream = this.streams.get(gateway);
      if (!stream) return undefined;
      const config = await build(gateway);
      if (JSON.stringify(config) === this.configs.get(gateway)) return undefined;
      const version = await this.nextVersion(gateway);
      stream.write({ delta: { version, upserts: [], removes: [], config } });
      this.configs.set(gateway, JSON.stringify(config));
      this.markSent(gateway, version, 0);
      return [gateway, version];
    }));
    const versions = new Map<string, number>();
    for (const sent of await Promise.all(sends)) if (sent) versions.set(sent[0], sent[1]);
    return versions;
  }

  /**
   * The gateway acknowledged `version`. On an apply error the gateway's state is unknown,
   * so it gets a fresh snapshot. Handled in the gateway's queue, after every delta sent before.
   */
  ack(gateway: string, stream: SyncStream, version: number, applyUs: number, error: string): Promise<void> {
    return this.serial(gateway, async () => {
      if (this.streams.get(gateway) !== stream) return;
      if (error) {
        await this.resnapshotAfterError(gateway, stream, version, error);
        return;
      }
      const sent = this.versions.get(gateway) ?? 0;
      if (version > sent) {
        this.deps.log.warn({ gateway, version, sent }, 'gateway acknowledged a version never sent; ignored');
        this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'never_sent' });
        return;
      }
      // A replayed or reordered ack must not move the recorded applied version backwards.
      const applied = await this.appliedVersion(gateway);
      if (version < applied) {
        this.deps.log.warn({ gateway, version, applied }, 'gateway acknowledged an older version than already acked; ignored');
        this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'stale' });
        return;
      }
      const at = this.now();
      this.observeAck(gateway, version, at);
      await this.deps.gateways.recordAck(gateway, version, applyUs, at);
      this.applied.set(gateway, version);
      await this.deps.onAck(gateway, version, at);
      this.release(gateway, version);
    });
  }

  private release(gateway: string, version: number): void {
    for (const w of this.waiters.get(gateway) ?? []) {
      if (w.version <= version) this.settle(gateway, w, null);
    }
  }

  private async resnapshotAfterError(gateway: string, stream: SyncStream, version: number, error: string): Promise<void> {
    if (this.scheduled.has(gateway)) {
      this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'throttled' });
      return;
    }
    const waitMs = this.resnapshots.take(gateway, 1, this.now());
    if (waitMs === 0) {
      this.deps.log.error({ gateway, version, error }, 'gateway failed to apply a sync version; resending a snapshot');
      await this.sendSnapshot(gateway, stream);
      return;
    }
    this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'throttled' });
    this.deps.log.error({ gateway, version, error, waitMs }, 'gateway failed to apply a sync version again; a snapshot follows when the rate allows');
    // The scheduled snapshot goes to whichever stream is current then (a newer stream began
    // with its own snapshot, but may have failed since and been throttled meanwhile).
    const timer = setTimeout(() => {
      this.scheduled.delete(gateway);
      void this.serial(gateway, async () => {
        const current = this.streams.get(gateway);
        if (!current) return;
        this.resnapshots.take(gateway, 1, this.now());
        await this.sendSnapshot(gateway, current);
      }).catch((err: unknown) => this.internal('sync.resnapshot', err));
    }, waitMs);
    timer.unref();
    this.scheduled.set(gateway, timer);
  }

  private observeAck(gateway: string, version: number, at: number): void {
    const pending = this.sent.get(gateway);
    if (!pending) return;
    for (const [v, sent] of pending) {
      if (v > version) continue;
      const seconds = (at - sent.atMs) / 1000;
      this.deps.metrics?.ackSeconds.observe({ gateway }, seconds);
      for (let i = 0; i < sent.removes; i++) this.deps.metrics?.revocationSeconds.observe({ gateway }, seconds);
      pending.delete(v);
    }
  }

  /** Resolves when `gateway` has acknowledged `version` (or a later one); rejects after `timeoutMs`. */
  waitForAck(gateway: string, version: number, timeoutMs: number): Promise<void> {
    const known = this.applied.get(gateway);
    if (known !== undefined && known >= version) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        version, resolve, reject,
        timer: setTimeout(() => this.settle(gateway, w, new Error(`gateway ${gateway} did not acknowledge within ${timeoutMs} ms`)), timeoutMs),
      };
      const set = this.waiters.get(gateway) ?? new Set();
      set.add(w);
      this.waiters.set(gateway, set);
      // Registered first, then checked against the store: an ack handled meanwhile releases it either way.
      if (known === undefined) {
        this.appliedVersion(gateway).then((applied) => {
          if (applied >= version) this.settle(gateway, w, null);
        }, (err: unknown) => this.settle(gateway, w, err instanceof Error ? err : new Error(String(err))));
      }
    });
  }

  private settle(gateway: string, w: Waiter, err: Error | null): void {
    clearTimeout(w.timer);
    if (!this.waiters.get(gateway)?.delete(w)) return;
    if (err) w.reject(err);
    else w.resolve();
  }

  /** Ends every stream (controller shutdown). */
  close(): void {
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    for (const stream of this.streams.values()) {
      this.ended.add(stream);
      stream.end();
    }
    this.streams.clear();
    for (const [gateway, set] of this.waiters) for (const w of set) this.settle(gateway, w, new Error('controller shutting down'));
  }
}
