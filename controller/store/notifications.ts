// Wake-ups between the controllers of one database. A change is written to the database (a
// gateway's change log, an ack, a session's new state); a notification carrying only ids
// then tells every controller, this one included, to read it. Payloads stay small on
// purpose: PostgreSQL queues NOTIFY payloads in one shared queue and serialises commits that
// notify, so large payloads slow every writer and can fill the queue.
//
// On PostgreSQL a notification is a NOTIFY sent inside the transaction (delivered only when
// it commits, never when it rolls back) and received on one dedicated connection that
// LISTENs. That connection can drop; notifications sent meanwhile are lost, so after it is
// back `onGap` handlers run and read what they follow from the database again. On SQLite there
// is one controller: a notification is delivered in this process after the commit.
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';
import { FailoverSchedule } from '../../common/failover.js';

/** The channels, and what their payloads name. */
export type Channel =
  /** `<gateway> <version>`: the gateway's change log grew up to that version. */
  | 'wicket_gateway_change'
  /** `<gateway> <version>`: the gateway acknowledged (applied) that version. */
  | 'wicket_gateway_ack'
  /** `<gateway>`: the gateway's Sync stream opened or closed on some controller. */
  | 'wicket_gateway_connectivity'
  /** Space-separated session ids whose state changed (clients watching them are told). */
  | 'wicket_session_change'
  /** `<version>`: a policy version was applied (every controller decides with it from then on). */
  | 'wicket_policy_applied';

const CHANNELS: readonly Channel[] = ['wicket_gateway_change', 'wicket_gateway_ack', 'wicket_gateway_connectivity', 'wicket_session_change', 'wicket_policy_applied'];

/** The part of a transaction's Store a notification needs (store.ts's Store is one). */
export interface Transaction {
  readonly db: Kysely<Schema>;
  afterCommit(hook: () => void): void;
}

/** PostgreSQL refuses payloads of 8000 bytes and more; ours are ids, far below that. */
export const MAX_PAYLOAD_BYTES = 7900;

export type NotificationHandler = (payload: string) => void;

export interface Notifier {
  /** Begins receiving (on PostgreSQL: opens the listening connection); resolves once it listens. */
  start(): Promise<void>;
  /**
   * Sends `payload` on `channel` when `tx` commits (nothing when it rolls back), to every
   * controller of the database including this one. Throws on a payload too large.
   */
  notify(tx: Transaction, channel: Channel, payload: string): Promise<void>;
  /** Runs `handler` for every notification on `channel`; returns the unsubscribe. */
  listen(channel: Channel, handler: NotificationHandler): () => void;
  /** Runs `handler` after notifications may have been missed (the listening connection came back). */
  onGap(handler: () => void): () => void;
  close(): Promise<void>;
  /** Where handler errors and a lost listening connection are reported (the controller's internal errors). */
  reportErrorsTo(reporter: ErrorReporter): void;
}

/** Where a handler's error, or a lost listening connection, is reported. */
export type ErrorReporter = (err: unknown) => void;

/** Handlers per channel and gap handlers; errors they throw are reported, never thrown up. */
class Subscribers {
  readonly channels = new Map<Channel, Set<NotificationHandler>>();
  readonly gaps = new Set<() => void>();
  onError: ErrorReporter = (err) => process.emitWarning(`notification handler failed: ${(err as Error).message ?? String(err)}`);

  listen(channel: Channel, handler: NotificationHandler): () => void {
    const set = this.channels.get(channel) ?? this.channels.set(channel, new Set()).get(channel)!;
    set.add(handler);
    return () => set.delete(handler);
  }

  onGap(handler: () => void): () => void {
    this.gaps.add(handler);
    return () => this.gaps.delete(handler);
  }

  deliver(channel: string, payload: string): void {
    for (const handler of this.channels.get(channel as Channel) ?? []) this.run(() => handler(payload));
  }

  gap(): void {
    for (const handler of this.gaps) this.run(handler);
  }

  private run(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}

function checkPayload(payload: string): void {
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`notification payload of ${Buffer.byteLength(payload)} bytes (at most ${MAX_PAYLOAD_BYTES})`);
}

/** One controller on SQLite: delivered in this process once the transaction commits. */
export class LocalNotifier implements Notifier {
  private readonly subscribers = new Subscribers();

  reportErrorsTo(reporter: ErrorReporter): void {
    this.subscribers.onError = reporter;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  notify(tx: Transaction, channel: Channel, payload: string): Promise<void> {
    checkPayload(payload);
    tx.afterCommit(() => this.subscribers.deliver(channel, payload));
    return Promise.resolve();
  }

  listen(channel: Channel, handler: NotificationHandler): () => void {
    return this.subscribers.listen(channel, handler);
  }

  onGap(handler: () => void): () => void {
    return this.subscribers.onGap(handler);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Every controller on PostgreSQL: NOTIFY in the transaction, one LISTEN connection opened
 * by `start`, reopened with backoff when it drops (then the gap handlers run).
 */
export class PostgresNotifier implements Notifier {
  private readonly subscribers = new Subscribers();
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly schedule = new FailoverSchedule(1);

  constructor(private readonly connect: () => pg.Client) {}

  reportErrorsTo(reporter: ErrorReporter): void {
    this.subscribers.onError = reporter;
  }

  private onError(err: unknown): void {
    this.subscribers.onError(err);
  }

  /** Opens the listening connection; resolves once it listens on every channel. */
  async start(): Promise<void> {
    const client = this.connect();
    client.on('notification', (message) => this.subscribers.deliver(message.channel, message.payload ?? ''));
    // A dropped connection (server restart, network) is replaced; what was sent meanwhile is
    // read again by the gap handlers.
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      if (err) this.onError(err);
      client.end().catch(() => undefined);
      this.reconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    for (const channel of CHANNELS) await client.query(`LISTEN ${channel}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    this.schedule.succeeded();
  }

  private reconnect(): void {
    if (this.closed) return;
    const waitMs = this.schedule.failed().delayMs;
    this.retry = setTimeout(() => {
      this.start().then(() => this.subscribers.gap(), (err: unknown) => {
        this.onError(err);
        this.reconnect();
      });
    }, waitMs);
    this.retry.unref();
  }

  async notify(tx: Transaction, channel: Channel, payload: string): Promise<void> {
    checkPayload(payload);
    await sql`SELECT pg_notify(${channel}, ${payload})`.execute(tx.db);
  }

  listen(channel: Channel, handler: NotificationHandler): () => void {
    return this.subscribers.listen(channel, handler);
  }

  onGap(handler: () => void): () => void {
    return this.subscribers.onGap(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }
}
