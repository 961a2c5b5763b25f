// The controller list of `--controller` (and WICKET_CONTROLLER): one or more HOST:PORT
// separated by commas, IPv6 literals in brackets. Every program that dials a controller
// parses it here, so that a list means the same thing to the client, the gateway and wicketctl.
import ipaddr from 'ipaddr.js';

/**
 * Parses "a:1,b:2,[::1]:3" into its entries, in the order given (the order of preference).
 * Throws on an empty list, a malformed entry (naming it and its position) or a duplicate:
 * a duplicate would make a failover round visit one controller twice and hide a typo.
 */
export function parseControllerList(text: string): string[] {
  const entries = text.split(',').map((e) => e.trim());
  if (entries.length === 1 && entries[0] === '') throw new Error('no controller given: expected HOST:PORT[,HOST:PORT...]');
  const seen = new Map<string, number>();
  return entries.map((entry, i) => {
    const where = entries.length > 1 ? ` (entry ${i + 1} of "${text}")` : '';
    if (entry === '') throw new Error(`empty controller entry${where}: expected HOST:PORT[,HOST:PORT...]`);
    const canonical = canonicalEntry(entry, where);
    const first = seen.get(canonical);
    if (first !== undefined) throw new Error(`controller "${entry}" is listed twice (entries ${first + 1} and ${i + 1})`);
    seen.set(canonical, i);
    return entry;
  });
}

/** The entry as compared for duplicates (lower-case host, canonical IPv6), or a thrown error. */
function canonicalEntry(entry: string, where: string): string {
  const bad = (why: string) => new Error(`invalid controller "${entry}"${where}: ${why}`);
  const m = /^(?:\[([^\]]*)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(entry);
  if (!m) {
    if (/^[0-9a-fA-F:]+:[0-9a-fA-F]*$/.test(entry) && entry.split(':').length > 2) throw bad('an IPv6 address goes in brackets, e.g. [::1]:7443');
    throw bad('expected HOST:PORT');
  }
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw bad('the port must be 1-65535');
  if (m[1] !== undefined) {
    if (!ipaddr.IPv6.isValid(m[1])) throw bad('not an IPv6 address in the brackets');
    return `[${ipaddr.IPv6.parse(m[1]).toString()}]:${port}`;
  }
  const host = m[2]!;
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(host)) throw bad('not a host name or IPv4 address');
  return `${host.toLowerCase().replace(/\.$/, '')}:${port}`;
}
