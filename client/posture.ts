// The device posture the client reports with Connect and every Heartbeat: OS, kernel,
// client version, disk encryption and firewall state. Each check reads what it can without
// side effects and answers "" when it cannot tell; the probes are injectable for tests.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import { z } from 'zod';
import { describeFirstIssue } from '../common/zod-issue.js';
import type { Posture__Output } from '../proto/generated/wicket/v1/Posture.js';

/** Everything posture detection reads from the machine. */
export interface PostureProbes {
  platform(): string;
  release(): string;
  hostname(): string;
  /** File contents, or undefined when unreadable. */
  readFile(path: string): string | undefined;
  /** Directory entries, or [] when unreadable. */
  readDir(path: string): string[];
  /** Runs a program (argument array, no shell); stdout, or undefined when it fails. */
  run(file: string, args: string[]): Promise<string | undefined>;
}

export const systemProbes: PostureProbes = {
  platform: () => os.platform(),
  release: () => os.release(),
  hostname: () => os.hostname(),
  readFile: (path) => {
    try { return readFileSync(path, 'utf8'); } catch { return undefined; }
  },
  readDir: (path) => {
    try { return readdirSync(path); } catch { return []; }
  },
  run: (file, args) => new Promise((resolve) => {
    execFile(file, args, { timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout));
  }),
};

const OS_NAMES: Record<string, string> = { linux: 'linux', darwin: 'macos', win32: 'windows', freebsd: 'freebsd', openbsd: 'openbsd' };

/** The client's version, from the package.json two levels above dist/client/. */
export function clientVersion(probes: PostureProbes = systemProbes): string {
  const text = probes.readFile(new URL('../../package.json', import.meta.url).pathname);
  const r = z.object({ version: z.string() }).safeParse(text ? JSON.parse(text) : undefined);
  return r.success ? r.data.version : '';
}

/** The kernel block device name ("dm-0", "sda2") behind a /proc/mounts source, if any. */
function blockDeviceOf(source: string, probes: PostureProbes): string | undefined {
  const mapper = /^\/dev\/mapper\/(.+)$/.exec(source);
  if (mapper) {
    return probes.readDir('/sys/block').find((d) => d.startsWith('dm-') && probes.readFile(`/sys/block/${d}/dm/name`)?.trim() === mapper[1]);
  }
  const dev = /^\/dev\/([^/]+)$/.exec(source);
  return dev?.[1];
}

/** True when `dev` or any device-mapper device beneath it (LVM on LUKS...) is dm-crypt. */
function isEncrypted(dev: string, probes: PostureProbes, seen = new Set<string>()): boolean {
  if (seen.has(dev)) return false;
  seen.add(dev);
  if (probes.readFile(`/sys/block/${dev}/dm/uuid`)?.startsWith('CRYPT-')) return true;
  return probes.readDir(`/sys/block/${dev}/slaves`).some((s) => isEncrypted(s, probes, seen));
}

/**
 * "true" when the root file system sits on dm-crypt, "false" when it sits on a plain block
 * device, "" when it cannot be told (e.g. an overlay root in a container, not Linux).
 */
export function diskEncryption(probes: PostureProbes = systemProbes): string {
  if (probes.platform() !== 'linux') return '';
  const root = probes.readFile('/proc/mounts')?.split('\n').map((l) => l.split(' ')).find((f) => f[1] === '/');
  const dev = root?.[0] ? blockDeviceOf(root[0], probes) : undefined;
  if (!dev) return '';
  return isEncrypted(dev, probes) ? 'true' : 'false';
}

/** True when an `nft -j list ruleset` output has an input hook chain with policy drop. */
export function nftHasDropInput(json: string): boolean {
  const parsed = z.object({ nftables: z.array(z.record(z.string(), z.unknown())) }).safeParse(JSON.parse(json));
  if (!parsed.success) return false;
  const chain = z.object({ hook: z.string().optional(), policy: z.string().optional() });
  return parsed.data.nftables.some((item) => {
    const c = chain.safeParse(item.chain);
    return c.success && c.data.hook === 'input' && c.data.policy === 'drop';
  });
}

/**
 * "true" when an inbound firewall drops by default (an nftables input chain with policy drop,
 * or iptables INPUT policy DROP), "false" when a ruleset could be read and none does, "" when
 * no ruleset could be read (e.g. no privileges).
 */
export async function firewall(probes: PostureProbes = systemProbes): Promise<string> {
  if (probes.platform() !== 'linux') return '';
  const nft = await probes.run('nft', ['-j', 'list', 'ruleset']);
  if (nft !== undefined) {
    try {
      if (nftHasDropInput(nft)) return 'true';
    } catch { /* not JSON: fall through to iptables */ }
  }
  const ipt = await probes.run('iptables', ['-S', 'INPUT']);
  if (ipt !== undefined && /^-P INPUT DROP$/m.test(ipt)) return 'true';
  return nft !== undefined || ipt !== undefined ? 'false' : '';
}

const overrideSchema = z.object({
  os: z.string(), osVersion: z.string(), clientVersion: z.string(),
  diskEncryption: z.string(), firewall: z.string(), hostname: z.string(),
}).partial().strict();

/**
 * Posture is self-reported (the client is untrusted; policy treats it as a claim). For
 * demos and end-to-end tests, $WICKET_POSTURE_FILE may name a JSON file whose fields replace
 * the detected ones; it is re-read at every report.
 */
export function postureOverride(path: string | undefined, probes: PostureProbes = systemProbes): Partial<Posture__Output> {
  if (!path) return {};
  const text = probes.readFile(path);
  if (text === undefined) throw new Error(`WICKET_POSTURE_FILE ${path} cannot be read`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`WICKET_POSTURE_FILE ${path} is not JSON: ${(err as Error).message}`);
  }
  const r = overrideSchema.safeParse(raw);
  if (!r.success) throw new Error(`WICKET_POSTURE_FILE ${path}: ${describeFirstIssue(r.error)}`);
  return r.data;
}

/** The device's posture now. */
export async function collectPosture(probes: PostureProbes = systemProbes, overridePath = process.env.WICKET_POSTURE_FILE): Promise<Posture__Output> {
  return {
    os: OS_NAMES[probes.platform()] ?? probes.platform(),
    osVersion: probes.release(),
    clientVersion: clientVersion(probes),
    diskEncryption: diskEncryption(probes),
    firewall: await firewall(probes),
    hostname: probes.hostname(),
    ...postureOverride(overridePath, probes),
  };
}
