// What the demo and the benchmarks need of this machine before they build anything: root,
// the gateway's own preflight (wg, nft, ip, conntrack, a WireGuard implementation,
// nftables, forwarding) and the tools the topology drives traffic with. Every problem is
// reported at once, with the package to install.
import { runPreflight, systemProbes } from '../../gateway/agent/preflight.js';

const TRAFFIC_TOOLS = [
  { command: 'iperf3', provider: 'iperf3' },
  { command: 'perl', provider: 'perl' },
];

export async function topologyProblems(): Promise<string[]> {
  const problems = process.getuid?.() === 0 ? [] : ['not root: network namespaces, WireGuard interfaces and nftables need root (sudo)'];
  problems.push(...await runPreflight());
  for (const t of TRAFFIC_TOOLS) {
    if (!(await systemProbes.hasCommand(t.command))) problems.push(`\`${t.command}\` not found on PATH (install ${t.provider})`);
  }
  return problems;
}
