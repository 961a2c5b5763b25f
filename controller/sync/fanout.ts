// The controller side of the gateways' Sync streams: per gateway, a version that only grows
// (persisted, so it survives controller restarts), a full snapshot on every (re)connect,
// ordered deltas after it, and the acknowledgements that turn "pushed" into "enforced".
// An error ack asks for a fresh snapshot; those snapshots are rate limited per gateway (a
// burst, then one per interval, later error acks coalescing into the one scheduled), so a
// gateway repeating error acks cannot make the controller build snapshot after snapshot.
// Publishing happens synchronously right after the store transaction that made the change
// commits, so deltas leave in commit order on the single event loop. Each snapshot carries
// the gateway's configuration (GatewayConfig); a changed configuration goes out as a delta in
// the same version sequence, so it stays ordered with the session deltas.
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
  (gateway: string, version: number, atMs: number): void;
}

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
  /** Snapshots resent after error acks, per gateway. */
  private readonly resnapshots: TokenBuckets;
  /** A resend scheduled for later (at most one per gateway). */
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly versions = new Map<string, number>();
  /** Versions sent and not yet acknowledged, per gateway, for the latency histograms. */
  private readonly sent = new Map<string, Map<number, Sent>>();
  /** The configuration each connected gateway was last sent (JSON), to send only changes. */
  private readonly configs = new Map<string, string>();

  constructor(private readonly deps: {
    gateways: GatewayStore;
    /** Every session the gateway must serve now. */
    snapshot: (gateway: string) => GatewaySession[];
    /** The gateway's configuration now (none: snapshots carry none). */
    config?: (gateway: string) => GatewayConfig;
    /** Called after an ack is recorded (session ack state, metrics). */
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
  }) {
    const limits = deps.resnapshot ?? DEFAULT_RESNAPSHOT_LIMITS;
    this.resnapshots = new TokenBuckets(limits.burst, 1000 / limits.intervalMs);
  }

  private markSent(gateway: string, version: number, removes: number): void {
    const pending = this.sent.get(gateway) ?? this.sent.set(gateway, new Map()).get(gateway)!;
    pending.set(version, { atMs: this.now(), removes });
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private nextVersion(gateway: string): number {
    const current = this.versions.get(gateway) ?? this.deps.gateways.get(gateway)?.desiredVersion ?? 0;
    const next = current + 1;
    this.versions.set(gateway, next);
    this.deps.gateways.setDesiredVersion(gateway, next);
    return next;
  }

  isConnected(gateway: string): boolean {
    return this.streams.has(gateway);
  }

  connected(): string[] {
    return [...this.streams.keys()];
  }

  /**
   * A gateway opened its stream (after Hello): a newer stream replaces an older one, and the
   * gateway gets a full snapshot. Returns the snapshot's version.
   */
  attach(gateway: string, stream: SyncStream): number {
    const previous = this.streams.get(gateway);
    this.streams.set(gateway, stream);
    if (previous && previous !== stream) previous.end();
    const version = this.sendSnapshot(gateway, stream);
    this.deps.onConnectivity?.(gateway, true);
    return version;
  }

  private sendSnapshot(gateway: string, stream: SyncStream): number {
    const version = this.nextVersion(gateway);
    const sessions = this.deps.snapshot(gateway);
    const config = this.deps.config?.(gateway);
    stream.write({ snapshot: { version, sessions, ...(config && { config }) } });
    if (config) this.configs.set(gateway, JSON.stringify(config));
    // A snapshot supersedes whatever was in flight on an earlier stream.
    this.sent.set(gateway, new Map());
    this.markSent(gateway, version, 0);
    this.deps.log.info({ gateway, version, sessions: sessions.length }, 'sync snapshot sent');
    return version;
  }

  /** Sends a connected gateway a fresh snapshot (its deltas could not be sent). */
  resync(gateway: string): void {
    const stream = this.streams.get(gateway);
    if (stream) this.sendSnapshot(gateway, stream);
  }

  /** The stream ended; only the current stream of a gateway counts. */
  detach(gateway: string, stream: SyncStream): boolean {
    if (this.streams.get(gateway) !== stream) return false;
    this.streams.delete(gateway);
    this.configs.delete(gateway);
    this.deps.onConnectivity?.(gateway, false);
    return true;
  }

  /**
   * Sends one delta per connected gateway in `changes` and returns the version each got.
   * A gateway that is not connected gets nothing now: its next snapshot carries the state.
   */
  publish(changes: Map<string, GatewayChange>): Map<string, number> {
    const versions = new Map<string, number>();
    for (const [gateway, change] of changes) {
      const stream = this.streams.get(gateway);
      if (!stream || (change.upserts.length === 0 && change.removes.length === 0 && !change.config)) continue;
      const version = this.nextVersion(gateway);
      stream.write({ delta: { version, upserts: change.upserts, removes: change.removes, ...(change.config && { config: change.config }) } });
      if (change.config) this.configs.set(gateway, JSON.stringify(change.config));
      this.markSent(gateway, version, change.removes.length);
      versions.set(gateway, version);
    }
    return versions;
  }

  /**
   * Sends each connected gateway of `gateways` (default: all) whose configuration changed
   * since it was last sent a delta carrying the new one. Returns the versions sent.
   */
  refreshConfigs(gateways: readonly string[] = this.connected()): Map<string, number> {
    const build = this.deps.config;
    if (!build) return new Map();
    const changes = new Map<string, GatewayChange>();
    for (const gateway of gateways) {
      if (!this.streams.has(gateway)) continue;
      const config = build(gateway);
      if (JSON.stringify(config) !== this.configs.get(gateway)) changes.set(gateway, { upserts: [], removes: [], config });
    }
    return this.publish(changes);
  }

  /**
   * The gateway acknowledged `version`. On an apply error the gateway's state is unknown,
   * so it gets a fresh snapshot.
   */
  ack(gateway: string, stream: SyncStream, version: number, applyUs: number, error: string): void {
    if (this.streams.get(gateway) !== stream) return;
    if (error) {
      this.resnapshotAfterError(gateway, stream, version, error);
      return;
    }
    const sent = this.versions.get(gateway) ?? 0;
    if (version > sent) {
      this.deps.log.warn({ gateway, version, sent }, 'gateway acknowledged a version never sent; ignored');
      this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'never_sent' });
      return;
    }
    // A replayed or reordered ack must not move the recorded applied version backwards.
    const applied = this.deps.gateways.get(gateway)?.appliedVersion ?? 0;
    if (version < applied) {
      this.deps.log.warn({ gateway, version, applied }, 'gateway acknowledged an older version than already acked; ignored');
      this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'stale' });
      return;
    }
    const at = this.now();
    this.observeAck(gateway, version, at);
    this.deps.gateways.recordAck(gateway, version, applyUs, at);
    this.deps.onAck(gateway, version, at);
    for (const w of this.waiters.get(gateway) ?? []) {
      if (w.version <= version) this.settle(gateway, w, null);
    }
  }

  private resnapshotAfterError(gateway: string, stream: SyncStream, version: number, error: string): void {
    if (this.scheduled.has(gateway)) {
      this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'throttled' });
      return;
    }
    const waitMs = this.resnapshots.take(gateway, 1, this.now());
    if (waitMs === 0) {
      this.deps.log.error({ gateway, version, error }, 'gateway failed to apply a sync version; resending a snapshot');
      this.sendSnapshot(gateway, stream);
      return;
    }
    this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'throttled' });
    this.deps.log.error({ gateway, version, error, waitMs }, 'gateway failed to apply a sync version again; a snapshot follows when the rate allows');
    // The scheduled snapshot goes to whichever stream is current then (a newer stream began
    // with its own snapshot, but may have failed since and been throttled meanwhile).
    const timer = setTimeout(() => {
      this.scheduled.delete(gateway);
      const current = this.streams.get(gateway);
      if (!current) return;
      this.resnapshots.take(gateway, 1, this.now());
      this.sendSnapshot(gateway, current);
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
    if ((this.deps.gateways.get(gateway)?.appliedVersion ?? 0) >= version) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        version, resolve, reject,
        timer: setTimeout(() => this.settle(gateway, w, new Error(`gateway ${gateway} did not acknowledge within ${timeoutMs} ms`)), timeoutMs),
      };
      const set = this.waiters.get(gateway) ?? new Set();
      set.add(w);
      this.waiters.set(gateway, set);
    });
  }

  private settle(gateway: string, w: Waiter, err: Error | null): void {
    clearTimeout(w.timer);
    this.waiters.get(gateway)?.delete(w);
    if (err) w.reject(err);
    else w.resolve();
  }

  /** Ends every stream (controller shutdown). */
  close(): void {
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    for (const stream of this.streams.values()) stream.end();
    this.streams.clear();
    for (const [gateway, set] of this.waiters) for (const w of set) this.settle(gateway, w, new Error('controller shutting down'));
  }
}
