// The gateway's telemetry loop: every report interval, one read of each source (`wg show
// dump`, the allow sets, the denied set: three processes whatever the number of sessions),
// plus flows as conntrack reports them; records go through the bounded buffer into one batch
// per interval on the Report stream. No key ever reaches a record: `dump` drops the key
// fields while splitting lines, and records carry session ids, not peer keys.
import type { Logger } from '../../common/log.js';
import { DNS_PORT } from '../../common/dns-names.js';
import { dump } from '../../common/wireguard/peers.js';
import type { DeniedAttempt } from '../dataplane/dataplane.js';
import { listElements } from '../dataplane/table.js';
import type { GatewayMetrics } from '../metrics.js';
import { TelemetryBuffer } from './buffer.js';
import { DeniedTracker } from './denied.js';
import { ServiceDeniedTracker } from './service-denied.js';
import type { HttpRequestRecord__Output as HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';
import { FlowWatcher } from './flows.js';
import { Reporter, type ReportStream } from './reporter.js';
import { PersistedSeq } from './seq.js';
import { PeerStats, RuleCounters } from './stats.js';

export const DEFAULT_REPORT_INTERVAL_MS = 5000;
export const DEFAULT_BUFFER_RECORDS = 100_000;

/** What the telemetry needs of the data plane: attribution and the denied set. */
export interface TelemetrySource {
  sessionOwner(field: 'overlay' | 'publicKey', value: string): string | undefined;
  readDenied(): Promise<DeniedAttempt[]>;
}

export interface GatewayTelemetryOptions {
  ifname: string;
  dataPlane: TelemetrySource;
  /** Opens a Report stream to controller number `controller` of the list. */
  open(controller: number): ReportStream;
  /** How many controllers the list has (default 1). */
  controllers?: number;
  stateDir: string;
  intervalMs?: number;
  bufferRecords?: number;
  log: Logger;
  metrics: GatewayMetrics;
}

export class GatewayTelemetry {
  readonly buffer: TelemetryBuffer;
  private readonly reporter: Reporter;
  private readonly flows: FlowWatcher;
  private readonly peers: PeerStats;
  private readonly counters: RuleCounters;
  private readonly denied: DeniedTracker;
  private readonly httpDenied = new ServiceDeniedTracker('http', 80);
  private readonly dnsDenied = new ServiceDeniedTracker('dns', DNS_PORT);
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  /** Dropped records already added to the metric. */
  private droppedCounted = 0;

  constructor(private readonly opts: GatewayTelemetryOptions) {
    this.log = opts.log.child({ module: 'telemetry' });
    const byOverlay = (a: string) => opts.dataPlane.sessionOwner('overlay', a);
    this.buffer = new TelemetryBuffer(opts.bufferRecords ?? DEFAULT_BUFFER_RECORDS, new PersistedSeq(opts.stateDir));
    this.peers = new PeerStats((k) => opts.dataPlane.sessionOwner('publicKey', k));
    this.counters = new RuleCounters(byOverlay);
    this.denied = new DeniedTracker(byOverlay);
    this.flows = new FlowWatcher({
      sessionOf: byOverlay,
      onFlow: (f) => this.buffer.add('flows', [f]),
      onOverflow: (n) => this.buffer.countDropped(n),
      log: this.log,
    });
    this.reporter = new Reporter({
      open: opts.open, controllers: opts.controllers, buffer: this.buffer, log: this.log,
      onAck: () => {
        opts.metrics.telemetryAcked.inc();
        this.updateGauges();
      },
      onConnected: (up) => opts.metrics.telemetryConnected.set(up ? 1 : 0),
    });
  }

  async start(): Promise<void> {
    await this.flows.start();
    this.reporter.start();
    const interval = this.opts.intervalMs ?? DEFAULT_REPORT_INTERVAL_MS;
    this.timer = setInterval(() => {
      // A slow tick (a busy nft) is never overlapped by the next one.
      this.ticking = this.ticking.then(() => this.tick());
    }, interval);
  }

  /** One collection: read every source once, buffer what moved, cut and send one batch. */
  async tick(now = Date.now()): Promise<void> {
    const settle = async <T>(what: string, p: Promise<T>): Promise<T | undefined> => p.catch((e: Error) => {
      this.log.warn({ source: what, err: e.message }, 'telemetry read failed');
      return undefined;
    });
    const [wg, elements, denied] = await Promise.all([
      settle('wg', dump(this.opts.ifname)), settle('nft allow', listElements()), settle('nft denied', this.opts.dataPlane.readDenied()),
      settle('conntrack', this.flows.collectClosing()),
    ]);
    if (wg) this.buffer.add('peers', this.peers.update(wg.peers));
    if (elements) this.buffer.add('counters', this.counters.update(elements));
    if (denied) this.buffer.add('denied', this.denied.update(denied, now));
    const batch = this.buffer.cut(now);
    if (batch) {
      this.opts.metrics.telemetryBatches.inc();
      this.reporter.send(batch);
    }
    this.updateGauges();
  }

  /**
   * One request through the proxy (pushed as it ends; sent with the next batch). A refused
   * one (403) is also a denied attempt of its source for the hostname.
   */
  addHttpRequest(record: HttpRequestRecord, source: string): void {
    this.buffer.add('httpRequests', [record]);
    if (record.status === 403) this.buffer.add('denied', [this.httpDenied.record(record.sessionId, source, record.hostname, record.startedAtMs)]);
  }

  /** A query the DNS service refused (NXDOMAIN or REFUSED): a denied attempt of its source for the name. */
  addDnsDenied(sessionId: string, source: string, name: string, nowMs = Date.now()): void {
    this.buffer.add('denied', [this.dnsDenied.record(sessionId, source, name, nowMs)]);
  }

  private updateGauges(): void {
    const m = this.opts.metrics;
    m.telemetryBuffered.set(this.buffer.size);
    m.telemetryUnacked.set(this.buffer.unacked().length);
    m.telemetryDropped.inc(this.buffer.droppedTotal - this.droppedCounted);
    this.droppedCounted = this.buffer.droppedTotal;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    this.flows.stop();
    await this.reporter.stop();
  }
}
