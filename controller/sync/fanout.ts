// The controller side of the gateways' Sync streams, around each gateway's change log
// (change-log-store.ts). A change is logged in the transaction that makes it, under the
// gateway's next version (`record`), and a notification carrying only the gateway and version
// wakes every controller; the one holding the gateway's stream reads the log after what it
// last sent and sends each version as a delta (`pump`), building the entries from the
// sessions table then (their preshared keys are never logged). So a change made on any
// controller reaches the gateway wherever its stream is held, in version order.
// A stream begins with a snapshot (read in one transaction with the version it carries), or,
// when the gateway's Hello names the version it applied and the log still holds every version
// after it, with those versions as deltas (resume). A missing version (pruned) costs a snapshot.
// Acks are recorded in the database with a notification, so a Connect on one controller waits
// for a gateway acking on another (`waitForAck`). An error ack asks for a fresh snapshot;
// those snapshots are rate limited per gateway (a burst, then one per interval, later error
// acks coalescing into the one scheduled), so a gateway repeating error acks cannot make the
// controller build snapshot after snapshot.
// The store is asynchronous, so each gateway has a queue: its snapshots, deltas and acks are
// handled one after the other, in the order they were asked for. Each snapshot carries the
// gateway's configuration (GatewayConfig); a changed configuration is a logged version
// flagged `config`, sent with the configuration of the moment, in the same version sequence.
import type { Logger } from '../../common/log.js';
import type { GatewaySession } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { GatewayConfig } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import type { SyncDown } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { Store } from '../store/store.js';
import type { Notifier } from '../store/notifications.js';
import type { LoggedChange } from './change-log-store.js';
import { TokenBuckets } from '../throttle/token-buckets.js';

/** The part of a gRPC server stream the fan-out needs. */
export interface SyncStream {
  write(message: SyncDown): unknown;
  end(): void;
}

export type { LoggedChange };

/** Called after an ack was recorded (committed), before waiters are released. */
export interface AckListener {
  (gateway: string, version: number, atMs: number): Promise<void> | void;
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

/** A gateway whose stream this controller holds. */
interface Attached {
  stream: SyncStream;
  /** The newest version written on the stream. */
  sent: number;
  /** The configuration last written on the stream (JSON), to send a flagged version's only when it changed. */
  config?: string;
  /** Versions sent and not yet acknowledged, for the latency histograms. */
  pending: Map<number, Sent>;
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

/**
 * Log rows acknowledged by the gateway are kept this long, so that a gateway reconnecting
 * soon after (to this controller or another) resumes without a snapshot.
 */
export const LOG_RETENTION_MS = 3_600_000;

/** Log rows read per query while catching a stream up. */
const PAGE = 256;

/** `<gateway> <version>`, as the notifications carry them. */
function parseGatewayVersion(payload: string): [string, number] | undefined {
  const at = payload.lastIndexOf(' ');
  const version = Number(payload.slice(at + 1));
  return at > 0 && Number.isSafeInteger(version) ? [payload.slice(0, at), version] : undefined;
}

export class SyncFanout {
  private readonly attached = new Map<string, Attached>();
  /** Streams that ended, so that an attach still queued for one of them does nothing. */
  private readonly ended = new WeakSet<SyncStream>();
  /** Snapshots resent after error acks, per gateway. */
  private readonly resnapshots: TokenBuckets;
  /** A resend scheduled for later (at most one per gateway). */
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Gateways with a pump queued and not yet begun (one is enough: it reads everything new). */
  private readonly pumps = new Set<string>();
  /** Per gateway, the end of its queue of snapshots, deltas and acks. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly deps: {
    store: Store;
    /** Wakes this controller for changes and acks written by any controller of the database. */
    notifier: Notifier;
    /** Every session the gateway must serve now, read through `tx` (the snapshot's transaction). */
    snapshot: (tx: Store, gateway: string) => Promise<GatewaySession[]> | GatewaySession[];
    /** The entries `gateway` enforces for those of `ids` still active on it (a logged version's upserts). */
    entries: (gateway: string, ids: string[]) => Promise<GatewaySession[]> | GatewaySession[];
    /** The gateway's configuration now (none: snapshots carry none). */
    config?: (gateway: string) => Promise<GatewayConfig> | GatewayConfig;
    /** Called after an ack is recorded (committed), before waiters are released. */
    onAck: AckListener;
    /**
     * Called after a gateway's stream opened (its first version sent) or its current stream
     * closed: the clients of its sessions learn whether it is connected.
     */
    onConnectivity?: (gateway: string, connected: boolean) => void;
    log: Logger;
    metrics?: SyncMetrics;
    now?: () => number;
    resnapshot?: ResnapshotLimits;
    /** Where an error in a timer, a notification or a pump ends up (default: the log). */
    reportInternal?: (where: string, err: unknown) => void;
  }) {
    const limits = deps.resnapshot ?? DEFAULT_RESNAPSHOT_LIMITS;
    this.resnapshots = new TokenBuckets(limits.burst, 1000 / limits.intervalMs);
    this.unsubscribe = [
      deps.notifier.listen('wicket_gateway_change', (payload) => {
        const parsed = parseGatewayVersion(payload);
        if (parsed && parsed[1] > (this.attached.get(parsed[0])?.sent ?? Infinity)) this.wake(parsed[0]);
      }),
      deps.notifier.listen('wicket_gateway_ack', (payload) => {
        const parsed = parseGatewayVersion(payload);
        if (parsed) this.release(parsed[0], parsed[1]);
      }),
      // Notifications may have been lost: every stream reads its log again, every waiter the applied version.
      deps.notifier.onGap(() => {
        for (const gateway of this.attached.keys()) this.wake(gateway);
        for (const gateway of this.waiters.keys()) this.recheck(gateway);
      }),
    ];
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

  private markSent(a: Attached, version: number, removes: number): void {
    a.pending.set(version, { atMs: this.now(), removes });
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  isConnected(gateway: string): boolean {
    return this.attached.has(gateway);
  }

  connected(): string[] {
    return [...this.attached.keys()];
  }

  /**
   * Logs each gateway's change in `changes` under its next version, records that version on
   * the sessions it names, and wakes every controller to send it. Call inside the transaction
   * `tx` that makes the change. Resolves with the version of each enrolled gateway (one not
   * enrolled gets nothing: its snapshot at enrollment carries the state).
   */
  async record(tx: Store, changes: Map<string, LoggedChange>): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    for (const [gateway, change] of changes) {
      if (change.upserts.length === 0 && change.removes.length === 0 && !change.config) continue;
      const version = await tx.changeLog.append(gateway, change, this.now());
      if (version === undefined) continue;
      await tx.sessions.setVersions([...change.upserts, ...change.removes], gateway, version);
      await this.deps.notifier.notify(tx, 'wicket_gateway_change', `${gateway} ${version}`);
      versions.set(gateway, version);
    }
    return versions;
  }

  /**
   * Logs a configuration change for each of `gateways` (default: every enrolled gateway,
   * wherever its stream is held), in one transaction; each gets its configuration of the
   * moment when the version is sent. Resolves with the versions logged.
   */
  async refreshConfigs(gateways?: readonly string[]): Promise<Map<string, number>> {
    if (!this.deps.config) return new Map();
    return this.deps.store.transaction(async (tx) => {
      const names = gateways ?? (await tx.gateways.list()).map((g) => g.name);
      return this.record(tx, new Map(names.map((g) => [g, { upserts: [], removes: [], config: true }])));
    });
  }

  /**
   * A gateway opened its stream (after Hello): a newer stream replaces an older one, and the
   * gateway gets, before anything else, the versions after `appliedVersion` when the log
   * still holds them all, or a full snapshot. Resolves with the newest version sent (0 when
   * the stream ended before its turn came).
   */
  attach(gateway: string, stream: SyncStream, appliedVersion = 0): Promise<number> {
    return this.serial(gateway, async () => {
      if (this.ended.has(stream)) return 0;
      const previous = this.attached.get(gateway);
      const a: Attached = { stream, sent: 0, pending: new Map() };
      this.attached.set(gateway, a);
      if (previous && previous.stream !== stream) {
        this.ended.add(previous.stream);
        previous.stream.end();
      }
      // When this fails the caller ends the stream, and its detach forgets it.
      if (!(appliedVersion > 0 && await this.resume(gateway, a, appliedVersion))) await this.sendSnapshot(gateway, a);
      this.deps.onConnectivity?.(gateway, true);
      return a.sent;
    });
  }

  /**
   * Sends the versions after `applied` when the log holds every one of them, after logging a
   * configuration version (so the resumed stream carries the configuration of the moment and
   * is never silent). False when it cannot: then a snapshot is due.
   */
  private async resume(gateway: string, a: Attached, applied: number): Promise<boolean> {
    const logged = await this.deps.store.transaction(async (tx) => {
      const desired = (await tx.gateways.get(gateway))?.desiredVersion ?? 0;
      if (applied > desired) return undefined;
      if (applied < desired && ((await tx.changeLog.oldest(gateway)) ?? Infinity) > applied + 1) return undefined;
      return this.record(tx, new Map([[gateway, { upserts: [], removes: [], config: true }]]));
    });
    if (!logged?.has(gateway)) return false;
    a.sent = applied;
    await this.pump(gateway);
    this.deps.log.info({ gateway, from: applied, to: a.sent }, 'sync resumed');
    return true;
  }

  /**
   * Builds and sends a snapshot: the gateway's sessions read in one transaction with the
   * version it bumps (logged empty, config flagged), so the snapshot holds exactly the changes
   * up to that version. Only ever called in the gateway's queue.
   */
  private async sendSnapshot(gateway: string, a: Attached): Promise<number> {
    const { sessions, version } = await this.deps.store.transaction(async (tx) => {
      const sessions = await this.deps.snapshot(tx, gateway);
      return { sessions, version: await tx.changeLog.append(gateway, { upserts: [], removes: [], config: true }, this.now()) };
    });
    if (version === undefined) throw new Error(`gateway ${gateway} is not enrolled`);
    const config = await this.deps.config?.(gateway);
    a.stream.write({ snapshot: { version, sessions, ...(config && { config }) } });
    if (config) a.config = JSON.stringify(config);
    a.sent = version;
    // A snapshot supersedes whatever was in flight before it.
    a.pending = new Map();
    this.markSent(a, version, 0);
    this.deps.log.info({ gateway, version, sessions: sessions.length }, 'sync snapshot sent');
    return version;
  }

  /**
   * Resolves once every gateway of `versions` whose stream this controller holds has been
   * sent its version (a revocation is on its way when the call that made it returns). Other
   * gateways' controllers send theirs when notified. Never rejects (a failed pump is reported).
   */
  async flush(versions: Map<string, number>): Promise<void> {
    await Promise.all([...versions].map(async ([gateway, version]) => {
      if ((this.attached.get(gateway)?.sent ?? Infinity) >= version) return;
      this.wake(gateway);
      await this.serial(gateway, () => Promise.resolve());
    }));
  }

  /** Queues a pump for an attached gateway, unless one is queued and not begun. */
  private wake(gateway: string): void {
    if (!this.attached.has(gateway) || this.pumps.has(gateway)) return;
    this.pumps.add(gateway);
    void this.serial(gateway, async () => {
      this.pumps.delete(gateway);
      await this.pump(gateway);
    }).catch((err: unknown) => {
      // The stream's state is unknown: it ends, and the gateway reconnects and resumes.
      this.internal('sync.pump', err);
      this.attached.get(gateway)?.stream.end();
    });
  }

  /**
   * Sends every logged version after the last one sent, as deltas; a missing version (pruned)
   * sends a snapshot instead. Only ever called in the gateway's queue.
   */
  private async pump(gateway: string): Promise<void> {
    for (;;) {
      const a = this.attached.get(gateway);
      if (!a) return;
      const rows = await this.deps.store.changeLog.since(gateway, a.sent, PAGE);
      if (this.attached.get(gateway) !== a || rows.length === 0) return;
      for (const row of rows) {
        if (row.version !== a.sent + 1) {
          this.deps.log.warn({ gateway, sent: a.sent, next: row.version }, 'sync versions missing from the change log; sending a snapshot');
          await this.sendSnapshot(gateway, a);
          break;
        }
        const upserts = row.upserts.length ? await this.deps.entries(gateway, row.upserts) : [];
        let config: GatewayConfig | undefined;
        if (row.config && this.deps.config) {
          const current = await this.deps.config(gateway);
          if (JSON.stringify(current) !== a.config) config = current;
        }
        if (this.attached.get(gateway) !== a) return;
        a.stream.write({ delta: { version: row.version, upserts, removes: row.removes, ...(config && { config }) } });
        if (config) a.config = JSON.stringify(config);
        a.sent = row.version;
        this.markSent(a, row.version, row.removes.length);
      }
    }
  }

  /** The stream ended; only the current stream of a gateway counts. */
  detach(gateway: string, stream: SyncStream): boolean {
    this.ended.add(stream);
    if (this.attached.get(gateway)?.stream !== stream) return false;
    this.attached.delete(gateway);
    this.deps.onConnectivity?.(gateway, false);
    return true;
  }

  /**
   * The gateway acknowledged `version`: recorded in the database (gateway and sessions) with a
   * notification, so waiters on every controller are released. On an apply error the
   * gateway's state is unknown, so it gets a fresh snapshot. Handled in the gateway's queue,
   * after every version sent before.
   */
  ack(gateway: string, stream: SyncStream, version: number, applyUs: number, error: string): Promise<void> {
    return this.serial(gateway, async () => {
      const a = this.attached.get(gateway);
      if (a?.stream !== stream) return;
      if (error) {
        await this.resnapshotAfterError(gateway, a, version, error);
        return;
      }
      if (version > a.sent) {
        this.deps.log.warn({ gateway, version, sent: a.sent }, 'gateway acknowledged a version never sent; ignored');
        this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'never_sent' });
        return;
      }
      const at = this.now();
      // A writer like any other: the ack updates the gateway's row and its sessions' rows,
      // which every change to the gateway writes too. Run beside the writers, acks made a
      // writer's transaction fail to serialize again and again once deltas and acks flowed
      // through two controllers, until its reruns ran out (a Connect answered INTERNAL).
      const applied = await this.deps.store.transaction(async (tx) => {
        const applied = (await tx.gateways.get(gateway))?.appliedVersion ?? 0;
        // A replayed or reordered ack must not move the recorded applied version backwards.
        if (version < applied) return applied;
        await tx.gateways.recordAck(gateway, version, applyUs, at);
        await tx.sessions.recordAck(gateway, version, at);
        // What the gateway applied long ago no reconnect needs (it resumes from what it applied).
        await tx.changeLog.prune(gateway, version + 1, at - LOG_RETENTION_MS);
        await this.deps.notifier.notify(tx, 'wicket_gateway_ack', `${gateway} ${version}`);
        return undefined;
      });
      if (applied !== undefined) {
        this.deps.log.warn({ gateway, version, applied }, 'gateway acknowledged an older version than already acked; ignored');
        this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'stale' });
        return;
      }
      this.observeAck(a, gateway, version, at);
      await this.deps.onAck(gateway, version, at);
      this.release(gateway, version);
    });
  }

  private release(gateway: string, version: number): void {
    for (const w of this.waiters.get(gateway) ?? []) {
      if (w.version <= version) this.settle(gateway, w, null);
    }
  }

  /** Releases the waiters of `gateway` whose version the database says it applied. */
  private recheck(gateway: string): void {
    this.deps.store.gateways.get(gateway).then((g) => this.release(gateway, g?.appliedVersion ?? 0), (err: unknown) => this.internal('sync.wait', err));
  }

  private async resnapshotAfterError(gateway: string, a: Attached, version: number, error: string): Promise<void> {
    if (this.scheduled.has(gateway)) {
      this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'throttled' });
      return;
    }
    const waitMs = this.resnapshots.take(gateway, 1, this.now());
    if (waitMs === 0) {
      this.deps.log.error({ gateway, version, error }, 'gateway failed to apply a sync version; resending a snapshot');
      await this.sendSnapshot(gateway, a);
      return;
    }
    this.deps.metrics?.ignoredAcks.inc({ gateway, reason: 'throttled' });
    this.deps.log.error({ gateway, version, error, waitMs }, 'gateway failed to apply a sync version again; a snapshot follows when the rate allows');
    // The scheduled snapshot goes to whichever stream is current then (a newer stream began
    // with its own snapshot, but may have failed since and been throttled meanwhile).
    const timer = setTimeout(() => {
      this.scheduled.delete(gateway);
      void this.serial(gateway, async () => {
        const current = this.attached.get(gateway);
        if (!current) return;
        this.resnapshots.take(gateway, 1, this.now());
        await this.sendSnapshot(gateway, current);
      }).catch((err: unknown) => this.internal('sync.resnapshot', err));
    }, waitMs);
    timer.unref();
    this.scheduled.set(gateway, timer);
  }

  private observeAck(a: Attached, gateway: string, version: number, at: number): void {
    for (const [v, sent] of a.pending) {
      if (v > version) continue;
      const seconds = (at - sent.atMs) / 1000;
      this.deps.metrics?.ackSeconds.observe({ gateway }, seconds);
      for (let i = 0; i < sent.removes; i++) this.deps.metrics?.revocationSeconds.observe({ gateway }, seconds);
      a.pending.delete(v);
    }
  }

  /**
   * Resolves when `gateway` has acknowledged `version` (or a later one) to any controller of
   * the database; rejects after `timeoutMs`.
   */
  waitForAck(gateway: string, version: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        version, resolve, reject,
        timer: setTimeout(() => this.settle(gateway, w, new Error(`gateway ${gateway} did not acknowledge within ${timeoutMs} ms`)), timeoutMs),
      };
      const set = this.waiters.get(gateway) ?? new Set();
      set.add(w);
      this.waiters.set(gateway, set);
      // Registered first, then checked against the store: an ack recorded meanwhile releases it either way.
      this.deps.store.gateways.get(gateway).then((g) => {
        if ((g?.appliedVersion ?? 0) >= version) this.settle(gateway, w, null);
      }, (err: unknown) => this.settle(gateway, w, err instanceof Error ? err : new Error(String(err))));
    });
  }

  private settle(gateway: string, w: Waiter, err: Error | null): void {
    clearTimeout(w.timer);
    const set = this.waiters.get(gateway);
    if (!set?.delete(w)) return;
    if (set.size === 0) this.waiters.delete(gateway);
    if (err) w.reject(err);
    else w.resolve();
  }

  /** Ends every stream (controller shutdown). */
  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    for (const a of this.attached.values()) {
      this.ended.add(a.stream);
      a.stream.end();
    }
    this.attached.clear();
    for (const [gateway, set] of this.waiters) for (const w of set) this.settle(gateway, w, new Error('controller shutting down'));
  }
}
