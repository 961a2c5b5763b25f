// Makes the system resolve the session's resource names through its DNS forwarder: with
// systemd-resolved, per-link DNS (the forwarder's address) and routing domains for the
// interface (`~corp.internal` for `*.corp.internal`, `~db.corp.internal` for that name: every
// name under a routing domain goes to the forwarder, which answers NXDOMAIN for those no
// gateway covers); otherwise nothing is changed and the reason is recorded, for `wicket
// status` to tell the user what to do.
import { existsSync } from 'node:fs';
import { runTool } from '../common/exec.js';

export interface DnsSetup {
  resolver: 'resolvectl' | 'none';
  /** The routing domains given to the system resolver ("~corp.internal"). */
  domains: string[];
  /** Why nothing was done, or what the user should know. */
  note: string;
}

export const NO_DNS_SETUP: DnsSetup = { resolver: 'none', domains: [], note: 'the session has no resource names' };

/** Routing domains for names and wildcards: the wildcard's suffix, the name itself; sorted, unique. */
export function routingDomains(patterns: readonly string[]): string[] {
  return [...new Set(patterns.map((p) => `~${p.startsWith('*.') ? p.slice(2) : p}`))].sort();
}

export interface ResolverHost {
  /** Whether systemd-resolved runs here and can be driven. */
  resolvedRuns(): Promise<boolean>;
  resolvectl(args: readonly string[]): Promise<void>;
}

export const systemResolverHost: ResolverHost = {
  // Asked on the agent's update path: never a synchronous wait on a child process.
  resolvedRuns: async () => existsSync('/run/systemd/resolve') && await runTool('resolvectl', ['--version']).then(() => true, () => false),
  resolvectl: async (args) => { await runTool('resolvectl', args); },
};

/** Points the interface's DNS at the forwarder for `patterns`; never throws (a failure is the note). */
export async function configureResolver(ifname: string, forwarder: string, patterns: readonly string[], host: ResolverHost = systemResolverHost): Promise<DnsSetup> {
  const domains = routingDomains(patterns);
  if (domains.length === 0) return NO_DNS_SETUP;
  const manual = `point the system resolver at ${forwarder} for ${domains.map((d) => d.slice(1)).join(', ')}`;
  if (!await host.resolvedRuns()) return { resolver: 'none', domains, note: `systemd-resolved is not running: ${manual}` };
  try {
    await host.resolvectl(['dns', ifname, forwarder]);
    await host.resolvectl(['domain', ifname, ...domains]);
    return { resolver: 'resolvectl', domains, note: '' };
  } catch (err) {
    return { resolver: 'none', domains, note: `resolvectl failed (${(err as Error).message}): ${manual}` };
  }
}

/** Undoes configureResolver (before the interface goes; errors ignored: the link may be gone). */
export async function revertResolver(ifname: string, setup: DnsSetup, host: ResolverHost = systemResolverHost): Promise<void> {
  if (setup.resolver !== 'resolvectl') return;
  await host.resolvectl(['revert', ifname]).catch(() => undefined);
}
