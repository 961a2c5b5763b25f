// Startup checks of the gateway host: the tools and kernel features the data plane needs,
// each reported with what exactly is missing and how to fix it, before anything is changed.
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How preflight looks at the system; injected so the messages can be tested anywhere. */
export interface PreflightProbes {
  /** True when `name` is an executable file in a PATH directory. */
  hasCommand(name: string): Promise<boolean>;
  /** True when the path exists. */
  exists(path: string): Promise<boolean>;
  /** True when the path can be opened for writing. */
  writable(path: string): Promise<boolean>;
  /** The file's text, or undefined when it cannot be read. */
  read(path: string): Promise<string | undefined>;
  /** Runs a command (argument array, no shell) and reports whether it exited 0. */
  run(file: string, args: string[]): Promise<{ ok: boolean; stderr: string }>;
}

/** Commands the data plane runs, with the package that provides each. */
export const REQUIRED_COMMANDS: ReadonlyArray<{ command: string; provider: string }> = [
  { command: 'wg', provider: 'wireguard-tools' },
  { command: 'nft', provider: 'nftables' },
  { command: 'ip', provider: 'iproute2' },
  { command: 'conntrack', provider: 'conntrack' },
];

export const WIREGUARD_MODULE = '/sys/module/wireguard';
export const TUN_DEVICE = '/dev/net/tun';
export const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

/** Checks the host; resolves to the list of problems (empty when the gateway can start). */
export async function runPreflight(probes: PreflightProbes = systemProbes): Promise<string[]> {
  const [commands, wireguard, nftables, forwarding] = await Promise.all([
    checkCommands(probes), checkWireGuard(probes), checkNftables(probes), checkForwarding(probes),
  ]);
  return [...commands, ...wireguard, ...nftables, ...forwarding];
}

async function checkCommands(probes: PreflightProbes): Promise<string[]> {
  const found = await Promise.all(REQUIRED_COMMANDS.map((c) => probes.hasCommand(c.command)));
  return REQUIRED_COMMANDS.filter((_, i) => !found[i])
    .map((c) => `\`${c.command}\` not found on PATH (install ${c.provider})`);
}

async function checkWireGuard(probes: PreflightProbes): Promise<string[]> {
  const [kernel, wireguardGo, tun] = await Promise.all([
    probes.exists(WIREGUARD_MODULE), probes.hasCommand('wireguard-go'), probes.exists(TUN_DEVICE),
  ]);
  if (kernel || (wireguardGo && tun)) return [];
  if (!wireguardGo) {
    return ['no WireGuard implementation: the wireguard kernel module is not loaded (modprobe wireguard) and `wireguard-go` is not on PATH (install wireguard-go)'];
  }
  return [`wireguard-go needs ${TUN_DEVICE}, which does not exist (modprobe tun; in a container, pass the device through) and the wireguard kernel module is not loaded`];
}

async function checkNftables(probes: PreflightProbes): Promise<string[]> {
  if (!(await probes.hasCommand('nft'))) return []; // already reported as a missing command
  const result = await probes.run('nft', ['list', 'tables']);
  if (result.ok) return [];
  const reason = result.stderr.trim().split('\n')[0] || 'no error text';
  return [`nftables is not usable (\`nft list tables\` failed: ${reason}): the gateway needs CAP_NET_ADMIN and the nf_tables kernel module`];
}

async function checkForwarding(probes: PreflightProbes): Promise<string[]> {
  const value = await probes.read(IP_FORWARD);
  if (value === undefined) return [`cannot read ${IP_FORWARD}: IPv4 forwarding state unknown (is /proc mounted?)`];
  if (value.trim() === '1' || (await probes.writable(IP_FORWARD))) return [];
  return [`IPv4 forwarding is off and ${IP_FORWARD} is not writable: enable it (sysctl -w net.ipv4.ip_forward=1) or give the gateway a network namespace where it may`];
}

/** One message for the operator listing every problem. */
export function formatPreflight(problems: string[]): string {
  return `the gateway cannot start on this host:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

/** Probes of the real system (no shell; PATH searched directly). */
export const systemProbes: PreflightProbes = {
  async hasCommand(name) {
    const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
    const found = await Promise.all(dirs.map((d) => access(join(d, name), constants.X_OK).then(() => true, () => false)));
    return found.includes(true);
  },
  exists: (path) => access(path).then(() => true, () => false),
  writable: (path) => access(path, constants.W_OK).then(() => true, () => false),
  read: (path) => readFile(path, 'utf8').then((text) => text, () => undefined),
  run: (file, args) => new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (err, _stdout, stderr) => resolve({ ok: !err, stderr: String(stderr || (err?.message ?? '')) }));
  }),
};
