// This controller's entry in the registry of controllers sharing the database: registered
// once the listeners are bound (so the addresses are the real ones), a heartbeat with the
// gateways and clients it holds every few seconds, and marked stopped on a clean stop.
// `wicketctl controller list` reads the rows on any controller (admin-handlers.ts). A
// failed write never stops the controller: it is reported and the next heartbeat tries again.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ControllerLoad, ControllerRecord, ControllerStore } from './controller-store.js';

/**
 * How often a controller writes its heartbeat. Often enough that a controller that died
 * shows as not alive within a few tens of seconds, rarely enough that one small UPDATE per
 * controller stays nothing next to the sessions' writes on a shared database.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** A controller is alive while its heartbeat is newer than this: three missed heartbeats make it dead. */
export const ALIVE_WITHIN_MS = 3 * HEARTBEAT_INTERVAL_MS;

/**
 * Rows of controllers gone (stopped, or dead) for longer than this are deleted when a
 * controller starts: every start adds a row, and an old crash is of no interest a week on.
 */
export const FORGET_AFTER_MS = 7 * 86_400_000;

/** Whether a registered controller is running, as seen at `nowMs` (pure). */
export function isAlive(c: Pick<ControllerRecord, 'heartbeatAtMs' | 'stoppedAtMs'>, nowMs: number): boolean {
  return c.stoppedAtMs === undefined && nowMs - c.heartbeatAtMs <= ALIVE_WITHIN_MS;
}

/**
 * The address a listener is reached at: its host, or this machine's name when it listens on
 * every interface (a wildcard is not an address anyone can dial), with the bound port.
 */
export function advertisedAddress(listenHost: string, port: number, machine: string = hostname()): string {
  const host = listenHost === '' || listenHost === '0.0.0.0' || listenHost === '::' ? machine : listenHost;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export interface RegistryDeps {
  store: { controllers: ControllerStore };
  now: () => number;
  reportInternal: (where: string, err: unknown) => void;
}

export interface ControllerIdentity {
  apiAddress: string;
  authAddress: string;
  hostname?: string;
}

export class ControllerRegistry {
  /** Random per process start: a restarted controller is a new row, its predecessor's shows how it ended. */
  readonly id = randomBytes(8).toString('hex');
  private identity?: Required<ControllerIdentity> & { startedAtMs: number };
  private load: () => ControllerLoad = () => ({ clients: 0, gateways: [] });
  private timer?: NodeJS.Timeout;
  /** The write in flight: heartbeats never overlap, and stop waits for the last one. */
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly heartbeatListeners = new Set<() => void>();

  constructor(private readonly deps: RegistryDeps) {}

  /** Registers this controller and starts the heartbeat; `load` reads what it holds now. */
  async start(identity: ControllerIdentity, load: () => ControllerLoad): Promise<void> {
    const now = this.deps.now();
    this.identity = { hostname: hostname(), ...identity, startedAtMs: now };
    this.load = load;
    try {
      await this.deps.store.controllers.prune(now - FORGET_AFTER_MS);
    } catch (err) {
      this.deps.reportInternal('controllers.prune', err);
    }
    await this.serial(() => this.register());
    this.timer = setInterval(() => {
      void this.beat();
    }, HEARTBEAT_INTERVAL_MS);
    // The heartbeat must not keep a process alive whose controller was not stopped.
    this.timer.unref();
  }

  /** Writes a heartbeat now (also before ListControllers answers, so that its own row is current). Never rejects. */
  beat(): Promise<void> {
    return this.serial(async () => {
      if (!this.identity || this.stopped) return;
      const found = await this.deps.store.controllers.heartbeat(this.id, this.deps.now(), this.currentLoad());
      if (!found) await this.register();
      for (const listener of this.heartbeatListeners) listener();
    });
  }

  /**
   * Runs `listener` after each heartbeat written: what depends on which controllers are alive
   * (gateway presence) checks again, as often as a dead one can be noticed. Returns the unsubscribe.
   */
  onHeartbeat(listener: () => void): () => void {
    this.heartbeatListeners.add(listener);
    return () => this.heartbeatListeners.delete(listener);
  }

  /** Stops the heartbeat and marks this controller stopped (a clean stop). Never rejects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    clearInterval(this.timer);
    const registered = this.identity !== undefined;
    this.stopped = true;
    if (registered) await this.serial(() => this.deps.store.controllers.markStopped(this.id, this.deps.now()));
    else await this.writing;
  }

  private async register(): Promise<void> {
    const identity = this.identity!;
    await this.deps.store.controllers.register({ id: this.id, ...identity, ...this.currentLoad() }, this.deps.now());
  }

  private currentLoad(): ControllerLoad {
    const { clients, gateways } = this.load();
    return { clients, gateways: [...new Set(gateways)] };
  }

  /** Runs `write` after the write before it; a failure is reported, never thrown. */
  private serial(write: () => Promise<void>): Promise<void> {
    this.writing = this.writing.then(write).catch((err: unknown) => this.deps.reportInternal('controllers.heartbeat', err));
    return this.writing;
  }
}
