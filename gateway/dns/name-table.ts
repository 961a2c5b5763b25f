// The addresses each name destination stands for, as the gateway's resolver sees them.
// A name that a session needs is resolved at once and again at its record's TTL (clamped to
// [minTtl, maxTtl]); an address that disappears stays `graceMs` longer before it goes, so a
// record flapping between servers or a resolver hiccup cuts nothing at once, and an address
// that stays is never touched. A wildcard ("*.corp.internal") stands for the addresses of the
// names under it that the DNS service has answered ("learned"), gateway-wide: every session
// entitled to the wildcard may reach them. Whenever what a destination stands for grows or
// shrinks, `onChange` is told (the data plane re-applies the sessions holding it) and the DNS
// service awaits that before it answers with the addresses. A resolver failure counts as "no
// addresses" (closed) and is logged once per name until the name resolves again.
// Learned names are bounded so one session cannot exhaust them for all: a learned name nobody
// asked for in 2x the max TTL is forgotten (not resolved again), names being resolved count
// toward the cap, and each session may hold only a share of it and learn only so many new
// names a minute.
import type { Logger } from '../../common/log.js';
import { dnsNameMatches, isDnsWildcard } from '../../common/dns-names.js';
import type { NameResolver } from './resolver.js';
import { TokenBuckets } from './token-bucket.js';

export interface NameTableOptions {
  resolver: NameResolver;
  minTtlMs: number;
  maxTtlMs: number;
  graceMs: number;
  /** The destinations (names, wildcards) whose addresses changed; the answers that follow wait for it. */
  onChange(destinations: string[]): Promise<void>;
  log: Logger;
  /** Names kept at most for wildcards (a client asking for endless names under one cannot grow memory). */
  maxLearned?: number;
  /** Of those, the most one session may have learned (default a quarter). */
  maxLearnedPerSession?: number;
  /** New names one session may make the gateway learn per minute (default 120; apart from its query rate). */
  learnPerMinute?: number;
}

/** What the DNS service answers with: the current addresses and how long they hold. */
export interface NameAnswer {
  addresses: string[];
  ttlS: number;
}

interface Entry {
  name: string;
  /** A session's destination (resolved whether or not anyone asks). */
  direct: boolean;
  /** Answered under a wildcard in use: its addresses count for the wildcard. */
  learned: boolean;
  /** Address → when it stopped resolving (undefined: it still does). */
  addresses: Map<string, number | undefined>;
  /** The first resolution. */
  ready: Promise<void>;
  /** When the next resolution is due (the answers' TTL). */
  refreshAtMs: number;
  refreshTimer?: NodeJS.Timeout;
  graceTimer?: NodeJS.Timeout;
  /** The last change notification. */
  pending: Promise<void>;
  deleted: boolean;
  /** When a session last asked for it (a learned name idle for 2x the max TTL is forgotten). */
  askedAtMs: number;
  /** The session whose query brought it in under a wildcard (its share of the cap); undefined for a direct name. */
  owner?: string;
}

const DEFAULT_MAX_LEARNED = 4096;

export class NameTable {
  private readonly entries = new Map<string, Entry>();
  /** Wildcards some applied session holds. */
  private readonly wildcards = new Set<string>();
  /** Names counted toward the cap (learned or being resolved to be), per owning session. */
  private readonly owned = new Map<string, number>();
  private ownedCount = 0;
  private readonly learnQuota: TokenBuckets;
  /** Names whose resolution failed last time, logged once (oldest first, bounded). */
  private readonly failing = new Set<string>();
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly opts: NameTableOptions) {
    this.log = opts.log.child({ module: 'dns' });
    const perMinute = opts.learnPerMinute ?? 120;
    this.learnQuota = new TokenBuckets(perMinute / 60, perMinute);
  }

  /**
   * What a destination (name or wildcard) stands for now, addresses in grace included: the
   * data plane builds elements from it. A name not seen before gives none yet and is resolved
   * in the background; the change notification follows.
   */
  addresses(destination: string): string[] {
    if (isDnsWildcard(destination)) {
      this.wildcards.add(destination);
      const out = new Set<string>();
      for (const e of this.entries.values()) {
        if (e.learned && dnsNameMatches(destination, e.name)) for (const a of e.addresses.keys()) out.add(a);
      }
      return [...out];
    }
    const e = this.entries.get(destination) ?? this.create(destination);
    e.direct = true;
    this.setOwner(e, undefined);
    return [...e.addresses.keys()];
  }

  /** The destinations applied sessions hold (after each apply): the rest stop being resolved. */
  retain(destinations: ReadonlySet<string>): void {
    for (const w of this.wildcards) if (!destinations.has(w)) this.wildcards.delete(w);
    for (const e of this.entries.values()) {
      e.direct = destinations.has(e.name);
      e.learned = e.learned && this.coveringWildcards(e.name).length > 0;
      if (!e.direct && !e.learned) this.delete(e);
      // A name no longer held directly but still learned counts toward the cap, on no session's share.
      else if (!e.direct && e.owner === undefined) this.setOwner(e, '');
    }
  }

  /**
   * The addresses to answer for `name`, asked by a session whose destinations `patterns`
   * cover it (a name equal to it, or wildcards): resolved if need be, learned for the
   * wildcards, and only once every change they bring is applied. Addresses in grace are not
   * answered. `session` is the asker, whose share and quota a new learned name is charged to.
   * Throws when the change could not be applied or too many names are learned.
   */
  async answer(name: string, patterns: readonly string[], session = ''): Promise<NameAnswer> {
    const underWildcard = patterns.some((p) => isDnsWildcard(p));
    let e = this.entries.get(name);
    if (!e) {
      const direct = patterns.includes(name);
      if (!direct) this.admitLearning(session);
      e = this.create(name);
      if (direct) e.direct = true;
      else this.setOwner(e, session);
    }
    e.askedAtMs = Date.now();
    await e.ready;
    if (!e.direct && e.addresses.size === 0) {
      // Nothing to learn: kept, it would be asked of the resolver again and again for nobody.
      if (!e.deleted) this.delete(e);
      return { addresses: [], ttlS: Math.floor(this.opts.minTtlMs / 1000) };
    }
    if (underWildcard && !e.learned && !e.deleted) {
      e.learned = true;
      if (e.addresses.size > 0) this.notify(e);
    }
    await this.applied(e);
    const now = Date.now();
    const addresses = [...e.addresses].filter(([, gone]) => gone === undefined).map(([a]) => a);
    return { addresses, ttlS: Math.max(0, Math.min(Math.ceil((e.refreshAtMs - now) / 1000), Math.floor(this.opts.maxTtlMs / 1000))) };
  }

  /** Stops every timer (resolutions under way end unheeded). */
  close(): void {
    this.closed = true;
    for (const e of this.entries.values()) this.delete(e);
  }

  /** Throws unless `session` may bring one more name in under a wildcard now. */
  private admitLearning(session: string): void {
    const max = this.opts.maxLearned ?? DEFAULT_MAX_LEARNED;
    if (this.ownedCount >= max) throw new Error('too many names learned under wildcards');
    const share = this.opts.maxLearnedPerSession ?? Math.max(1, Math.floor(max / 4));
    if ((this.owned.get(session) ?? 0) >= share) throw new Error('this session has learned too many names under wildcards');
    if (!this.learnQuota.take(session, Date.now())) throw new Error('this session learns new names too fast');
  }

  private setOwner(e: Entry, owner: string | undefined): void {
    if (e.owner === owner) return;
    if (e.owner !== undefined) {
      const n = (this.owned.get(e.owner) ?? 1) - 1;
      if (n > 0) this.owned.set(e.owner, n);
      else this.owned.delete(e.owner);
      this.ownedCount--;
    }
    if (owner !== undefined) {
      this.owned.set(owner, (this.owned.get(owner) ?? 0) + 1);
      this.ownedCount++;
    }
    e.owner = owner;
  }

  private create(name: string): Entry {
    const e: Entry = {
      name, direct: false, learned: false, addresses: new Map(), ready: Promise.resolve(), refreshAtMs: 0,
      pending: Promise.resolve(), deleted: false, askedAtMs: Date.now(),
    };
    this.entries.set(name, e);
    e.ready = this.refresh(e);
    return e;
  }

  private delete(e: Entry): void {
    clearTimeout(e.refreshTimer);
    clearTimeout(e.graceTimer);
    e.deleted = true;
    e.learned = false;
    this.setOwner(e, undefined);
    // An answer in flight may hold an entry already replaced by a newer one of the same name.
    if (this.entries.get(e.name) === e) this.entries.delete(e.name);
  }

  private coveringWildcards(name: string): string[] {
    return [...this.wildcards].filter((w) => dnsNameMatches(w, name));
  }

  private async refresh(e: Entry): Promise<void> {
    if (!e.direct && Date.now() - e.askedAtMs > 2 * this.opts.maxTtlMs) {
      // Nobody asked for it for long: its addresses leave the wildcard and it is not resolved again.
      if (e.addresses.size > 0) this.notify(e);
      this.delete(e);
      return;
    }
    let found: string[] = [];
    let ttlMs = 0;
    try {
      const r = await this.opts.resolver.resolve(e.name);
      found = r.addresses;
      ttlMs = (r.ttlS ?? 0) * 1000;
      if (this.failing.delete(e.name)) this.log.info({ name: e.name }, 'name resolves again');
    } catch (err) {
      if (!this.failing.has(e.name)) {
        this.log.warn({ name: e.name, err: (err as Error).message }, 'name did not resolve: it grants nothing until it does');
        if (this.failing.size >= (this.opts.maxLearned ?? DEFAULT_MAX_LEARNED)) this.failing.delete(this.failing.values().next().value!);
        this.failing.add(e.name);
      }
    }
    if (e.deleted || this.closed) return;
    const now = Date.now();
    const waitMs = Math.min(Math.max(ttlMs, this.opts.minTtlMs), this.opts.maxTtlMs);
    e.refreshAtMs = now + waitMs;
    e.refreshTimer = setTimeout(() => void this.refresh(e), waitMs).unref();
    if (this.merge(e, found, now)) this.notify(e);
    this.scheduleSweep(e, now);
  }

  /** Takes one resolution in; true when an address came (vanished ones go after grace). */
  private merge(e: Entry, found: readonly string[], now: number): boolean {
    const fresh = new Set(found);
    let added = false;
    for (const [a, gone] of e.addresses) {
      if (fresh.has(a)) e.addresses.set(a, undefined);
      else if (gone === undefined) e.addresses.set(a, now);
    }
    for (const a of fresh) {
      if (!e.addresses.has(a)) {
        e.addresses.set(a, undefined);
        added = true;
      }
    }
    return added;
  }

  private scheduleSweep(e: Entry, now: number): void {
    clearTimeout(e.graceTimer);
    e.graceTimer = undefined;
    const gone = [...e.addresses.values()].filter((g): g is number => g !== undefined);
    if (gone.length === 0) return;
    const at = Math.min(...gone) + this.opts.graceMs;
    e.graceTimer = setTimeout(() => this.sweep(e), Math.max(0, at - now)).unref();
  }

  /** Removes the addresses whose grace is over. */
  private sweep(e: Entry): void {
    if (e.deleted || this.closed) return;
    const now = Date.now();
    let removed = false;
    for (const [a, gone] of e.addresses) {
      if (gone !== undefined && gone + this.opts.graceMs <= now) {
        e.addresses.delete(a);
        removed = true;
      }
    }
    if (removed) this.notify(e);
    // A learned name left without addresses is forgotten; a new answer learns it again.
    if (e.addresses.size === 0 && !e.direct) this.delete(e);
    else this.scheduleSweep(e, now);
  }

  /** Tells the data plane which destinations this entry's change touches. */
  private notify(e: Entry): void {
    const destinations = [...(e.direct ? [e.name] : []), ...(e.learned ? this.coveringWildcards(e.name) : [])];
    if (destinations.length === 0) return;
    const p = this.opts.onChange(destinations);
    p.catch((err: Error) => this.log.warn({ destinations, err: err.message }, 'a change of resolved addresses could not be applied'));
    e.pending = p;
  }

  /**
   * Waits until the entry's last change is applied. A failed one is tried again once (the
   * data plane may have been restored by a snapshot since), then the failure is the caller's.
   */
  private async applied(e: Entry): Promise<void> {
    let retried = false;
    for (;;) {
      const p = e.pending;
      try {
        await p;
      } catch (err) {
        if (retried) throw err;
        retried = true;
        this.notify(e);
        if (e.pending === p) throw err;
        continue;
      }
      if (e.pending === p) return;
    }
  }
}
