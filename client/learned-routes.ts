// The addresses a session's DNS forwarder learned from answers: each a host CIDR carried like
// the name it answered (its primary gateway, standbys in order). Bounded: past the limit the
// oldest is forgotten (its route goes; a new query for its name brings it back). Entries whose
// name the session is no longer entitled to are dropped.
import { dnsNameMatches } from '../common/dns-names.js';
import type { LearnedDestination, NameRoute } from './plan.js';

/** Learned addresses kept per session unless configured. */
export const MAX_LEARNED = 1024;

interface Entry extends LearnedDestination {
  name: string;
}

export class LearnedRoutes {
  /** By CIDR, in insertion order (oldest first). */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = MAX_LEARNED) {}

  /** Records the answered addresses of `name`; true when the set of destinations changed. */
  add(name: string, route: Pick<NameRoute, 'primary' | 'standbys'>, addresses: readonly string[]): boolean {
    let changed = false;
    for (const a of addresses) {
      const cidr = `${a}/${a.includes(':') ? 128 : 32}`;
      const old = this.entries.get(cidr);
      if (old) {
        this.entries.delete(cidr);
        changed ||= old.primary !== route.primary || old.standbys.join() !== route.standbys.join();
      } else {
        changed = true;
      }
      this.entries.set(cidr, { cidr, name, primary: route.primary, standbys: [...route.standbys] });
    }
    for (const cidr of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(cidr);
      changed = true;
    }
    return changed;
  }

  /** Forgets the entries no pattern covers any more; true when some went. */
  prune(patterns: readonly string[]): boolean {
    let changed = false;
    for (const [cidr, e] of this.entries) {
      if (!patterns.some((p) => dnsNameMatches(p, e.name))) {
        this.entries.delete(cidr);
        changed = true;
      }
    }
    return changed;
  }

  list(): LearnedDestination[] {
    return [...this.entries.values()].map(({ cidr, primary, standbys }) => ({ cidr, primary, standbys }));
  }
}
