// Whether each gateway still answers through the tunnel (redundant gateways): every second a
// DNS query for PROBE_NAME goes to each gateway's service address (any answer = alive). A
// gateway is down after 3 missed probes in a row, or after one missed probe once the
// controller has said it lost its Sync stream (connected=false): the controller's word alone
// is not enough, since right after a controller restart it reports every gateway
// disconnected for a moment and every session would fail over at once. A down gateway is up
// again (its destinations fail back) only after its probes have answered continuously for the
// hold-down (10 s, at least 2 answers) while the controller says connected, so a flapping
// gateway does not drag traffic back and forth. The state machine is pure (injectable clock);
// the prober is timer-driven with an injectable scheduler and sender, so tests need neither
// network nor wall-clock time.
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { DNS_PORT, PROBE_NAME } from '../common/dns-names.js';

export const PROBE_INTERVAL_MS = 1000;
export const PROBE_TIMEOUT_MS = 1000;
/** Missed probes in a row after which a gateway is down. */
export const MISSES_DOWN = 3;
/** Answered probes (while connected) needed, at least, before a down gateway is up again. */
export const ANSWERS_UP = 2;
/** How long a down gateway's probes must have answered continuously before it is up again. */
export const HOLD_DOWN_MS = 10_000;

interface GatewayState {
  up: boolean;
  connected: boolean;
  /** The controller said connected=false and no probe has missed since: not yet believed. */
  reported: boolean;
  misses: number;
  answers: number;
  /** When the current run of answers (while connected) began; undefined without one. */
  answeringSinceMs: number | undefined;
}

/** The health state machine of a session's gateways. Each method says whether `down()` changed. */
export class HealthTracker {
  private readonly gateways = new Map<string, GatewayState>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The gateways the session has now, with the controller's view. A new gateway starts up
   * (no reason to wait for probes); connected=false is believed once a probe misses after it.
   */
  setGateways(list: readonly { gateway: string; connected: boolean }[]): boolean {
    const before = this.downKey();
    const names = new Set(list.map((g) => g.gateway));
    for (const name of this.gateways.keys()) if (!names.has(name)) this.gateways.delete(name);
    for (const g of list) {
      const s = this.gateways.get(g.gateway);
      if (!s) {
        this.gateways.set(g.gateway, { up: true, connected: g.connected, reported: !g.connected, misses: 0, answers: 0, answeringSinceMs: undefined });
      } else {
        if (s.connected && !g.connected) s.reported = true;
        if (g.connected) s.reported = false;
        else Object.assign(s, { answers: 0, answeringSinceMs: undefined });
        s.connected = g.connected;
      }
    }
    return before !== this.downKey();
  }

  /** The outcome of one probe of `gateway`. */
  probed(gateway: string, answered: boolean): boolean {
    const s = this.gateways.get(gateway);
    if (!s) return false;
    const was = s.up;
    if (answered) {
      s.misses = 0;
      // Only answers while the controller says connected count towards up.
      if (!s.up && s.connected) {
        s.answeringSinceMs ??= this.now();
        if (++s.answers >= ANSWERS_UP && this.now() - s.answeringSinceMs >= HOLD_DOWN_MS) {
          Object.assign(s, { up: true, answers: 0, answeringSinceMs: undefined });
        }
      }
    } else {
      Object.assign(s, { answers: 0, answeringSinceMs: undefined });
      s.misses++;
      if (s.misses >= MISSES_DOWN || s.reported) Object.assign(s, { up: false, reported: false });
    }
    return was !== s.up;
  }

  healthy(gateway: string): boolean {
    return this.gateways.get(gateway)?.up ?? false;
  }

  down(): Set<string> {
    return new Set([...this.gateways].filter(([, s]) => !s.up).map(([name]) => name));
  }

  private downKey(): string {
    return [...this.down()].sort().join(',');
  }
}

/** Sends one probe to `address`; true when any answer came back within `timeoutMs`. */
export type ProbeSender = (address: string, timeoutMs: number) => Promise<boolean>;

/** A timer the prober arms (setTimeout in production, a fake clock in tests). */
export type Scheduler = (fn: () => void, ms: number) => { cancel(): void };

export const realScheduler: Scheduler = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

/** A DNS query for PROBE_NAME over UDP to ADDRESS:PORT; true when any reply with our id comes back in time. */
export const probeAt = (address: string, port: number, timeoutMs: number): Promise<boolean> => new Promise((resolve) => {
  const id = randomInt(0, 65536);
  const socket = dgram.createSocket('udp4');
  let done = false;
  const finish = (ok: boolean) => {
    // Closing a dgram socket twice throws: a late error or send callback must be a no-op.
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.close();
    resolve(ok);
  };
  const timer = setTimeout(() => finish(false), timeoutMs);
  socket.on('error', () => finish(false));
  socket.on('message', (msg) => {
    if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(true);
  });
  const query = dnsPacket.encode({ type: 'query', id, questions: [{ type: 'A', name: PROBE_NAME }] });
  socket.send(query, port, address, (err) => { if (err) finish(false); });
});

/** The probe of a gateway's DNS service (its service address, port 53). */
export const dnsProbe: ProbeSender = (address, timeoutMs) => probeAt(address, DNS_PORT, timeoutMs);

export interface ProberOptions {
  tracker: HealthTracker;
  /** The gateways to probe now and their service IPv4 address. */
  targets: () => readonly { gateway: string; address: string }[];
  /** Called after a probe round that changed which gateways are down. */
  onChange: (down: Set<string>) => void;
  send?: ProbeSender;
  schedule?: Scheduler;
  intervalMs?: number;
  timeoutMs?: number;
}

/** Probes every target each interval (all at once) until stopped. */
export class GatewayProber {
  private timer: { cancel(): void } | undefined;
  private stopped = false;

  constructor(private readonly o: ProberOptions) {}

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = (this.o.schedule ?? realScheduler)(() => void this.round(), this.o.intervalMs ?? PROBE_INTERVAL_MS);
  }

  /**
   * One round: the next is armed at once (a probe per interval, whatever the last one's
   * timeout), then every target is probed and each result counted as it arrives.
   */
  async round(): Promise<void> {
    this.arm();
    const send = this.o.send ?? dnsProbe;
    await Promise.all(this.o.targets().map(async (t) => {
      const ok = await send(t.address, this.o.timeoutMs ?? PROBE_TIMEOUT_MS).catch(() => false);
      if (!this.stopped && this.o.tracker.probed(t.gateway, ok)) this.o.onChange(this.o.tracker.down());
    }));
  }
}
