// Which gateways have a live Sync stream on SOME alive controller of the database. Several
// controllers share one PostgreSQL: a gateway's stream is held by one of them, and a Connect
// or a client's peer list on another controller must still see the gateway as connected.
// The database says who holds each stream (`gateways.holder`, migration 017, the holder's
// `ControllerRegistry.id`); every controller keeps that map in memory, loaded at start and
// re-read when a 'wicket_gateway_connectivity' notification names a gateway, and in full
// after notifications may have been lost. A holder counts only while it heartbeats in the
// registry of controllers: one killed without closing its streams stops counting once its
// heartbeat is stale (re-checked on this controller's own heartbeat), so its gateways are
// not connected until they reconnect elsewhere.
// Only the holder clears its mark, and only while it is still the holder: the close of an old
// stream on one controller must not clear a newer stream's mark on another (a gateway whose
// Hellos overlapped).
import type { Store } from '../store/store.js';
import type { Notifier } from '../store/notifications.js';
import { isAlive } from '../controllers/registry.js';

export interface PresenceDeps {
  store: Store;
  notifier: Notifier;
  /** This controller's id (`ControllerRegistry.id`): what its streams are marked with. */
  self: string;
  /** Whether this controller holds the gateway's stream now (the Sync fan-out). */
  held: (gateway: string) => boolean;
  now: () => number;
  reportInternal: (where: string, err: unknown) => void;
  /**
   * A gateway's stream held by another controller appeared or went away (for a gateway
   * whose stream this controller does not hold itself): its clients are told.
   */
  onRemoteChange?: (gateway: string, connected: boolean) => void;
}

const CHANNEL = 'wicket_gateway_connectivity';

export class GatewayPresence {
  /** Gateway → the controller holding its stream, as the database says. */
  private holders = new Map<string, string>();
  /** Controllers heartbeating in the registry (this one always). */
  private alive = new Set<string>();
  /** Reads of the database run one after the other, so an older read never overwrites a newer one. */
  private reading: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: PresenceDeps) {
    this.alive.add(deps.self);
  }

  /**
   * Clears the marks of controllers that are not alive (a previous run of this one, a
   * crashed peer: their streams are gone), never another alive controller's, then loads
   * the map and follows its changes.
   */
  async start(): Promise<void> {
    const { store, notifier } = this.deps;
    const alive = await this.aliveControllers();
    await store.transaction(async (tx) => {
      for (const gateway of await tx.gateways.clearHoldersOtherThan([...alive])) await notifier.notify(tx, CHANNEL, gateway);
    });
    this.unsubscribe.push(
      notifier.listen(CHANNEL, (gateway) => {
        void this.queue('gateways.presence', () => this.readOne(gateway));
      }),
      notifier.onGap(() => {
        void this.refresh();
      }),
    );
    // The first load is no change: nobody has been told anything yet.
    await this.queue('gateways.presence', () => this.readAll(false));
  }

  close(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  /** Whether the gateway's stream is held here or by another alive controller. */
  isConnected(gateway: string): boolean {
    return this.deps.held(gateway) || this.heldElsewhere(gateway);
  }

  /** Reads the holders and the alive controllers again (a registry heartbeat, a notification gap). Never rejects. */
  refresh(): Promise<void> {
    return this.queue('gateways.presence', () => this.readAll());
  }

  /** Marks the gateway's stream held here; call inside the transaction that records the Hello. */
  async markConnected(tx: Store, gateway: string, endpoint: string, publicKey: string, nowMs: number): Promise<void> {
    await tx.gateways.markConnected(gateway, endpoint, publicKey, nowMs, this.deps.self);
    await this.deps.notifier.notify(tx, CHANNEL, gateway);
  }

  /** This controller's stream of the gateway closed: cleared unless a newer stream took the gateway since. */
  async markDisconnected(gateway: string): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      if (await tx.gateways.markDisconnected(gateway, this.deps.self)) await this.deps.notifier.notify(tx, CHANNEL, gateway);
    });
  }

  private heldElsewhere(gateway: string): boolean {
    const holder = this.holders.get(gateway);
    return holder !== undefined && holder !== this.deps.self && this.alive.has(holder);
  }

  /**
   * The controllers that count as running. On SQLite there is one controller per database:
   * every other holder is a previous run of it.
   */
  private async aliveControllers(): Promise<Set<string>> {
    const alive = new Set([this.deps.self]);
    if (this.deps.store.dialect === 'sqlite') return alive;
    const now = this.deps.now();
    for (const c of await this.deps.store.controllers.list()) if (isAlive(c, now)) alive.add(c.id);
    return alive;
  }

  private async readOne(gateway: string): Promise<void> {
    const holder = (await this.deps.store.gateways.get(gateway))?.holder ?? '';
    // A holder this controller has not seen heartbeat yet (it registered since) is read too.
    const alive = holder && !this.alive.has(holder) ? await this.aliveControllers() : undefined;
    this.apply(alive ? [...new Set([gateway, ...this.holders.keys()])] : [gateway], () => {
      if (holder) this.holders.set(gateway, holder);
      else this.holders.delete(gateway);
      if (alive) this.alive = alive;
    });
  }

  private async readAll(tell = true): Promise<void> {
    const [holders, alive] = await Promise.all([this.deps.store.gateways.holders(), this.aliveControllers()]);
    this.apply(tell ? [...new Set([...this.holders.keys(), ...holders.keys()])] : [], () => {
      this.holders = holders;
      this.alive = alive;
    });
  }

  /** Applies `change` to the map and tells of each of `gateways` whose presence elsewhere changed. */
  private apply(gateways: string[], change: () => void): void {
    const before = gateways.map((g) => [g, this.heldElsewhere(g)] as const);
    change();
    for (const [g, was] of before) {
      const now = this.heldElsewhere(g);
      if (now !== was && !this.deps.held(g)) this.deps.onRemoteChange?.(g, now);
    }
  }

  private queue(where: string, read: () => Promise<void>): Promise<void> {
    this.reading = this.reading.then(read).catch((err: unknown) => this.deps.reportInternal(where, err));
    return this.reading;
  }
}
