// A WireGuard interface's life: created on the kernel module when it can be, else on
// wireguard-go (started detached, found again through /proc after an agent restart), its
// private key set through stdin, and deleted together with its wireguard-go process.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { inNetns, runTool } from '../exec.js';
import { wgKeySchema } from '../formats.js';
import { netnsOfPid, processRunning } from '../process.js';

export const ifnameSchema = z.string().regex(/^[A-Za-z0-9_=+.-]{1,15}$/, 'interface name: 1-15 of A-Z a-z 0-9 _ = + . -');

export interface WgContext {
  /** Named network namespace to act in (tests, benchmarks, demo); default: our own. */
  netns?: string;
}

export interface CreateInterfaceOptions extends WgContext {
  listenPort?: number;
  privateKey: string;
  /** Where wireguard-go's own log goes (`<stateDir>/<name>.wireguard-go.log`); else discarded. */
  stateDir?: string;
}

export interface InterfaceInfo {
  kind: 'kernel' | 'userspace';
  /** wireguard-go's pid (userspace only). */
  pid?: number;
  /** True when an interface of that name already existed and was taken over. */
  reused: boolean;
}

const SOCKET_DIR = '/var/run/wireguard';
/** wireguard-go's control socket for an interface (the kernel module has none). */
export const socketPath = (ifname: string): string => join(SOCKET_DIR, `${ifname}.sock`);

async function linkExists(ifname: string, ctx: WgContext): Promise<boolean> {
  try {
    await runTool('ip', ['link', 'show', 'dev', ifname], { netns: ctx.netns });
    return true;
  } catch {
    return false;
  }
}

/** The namespace we act in: a named one's bind mount carries the namespace's inode. */
function targetNetns(ctx: WgContext): string | null {
  return ctx.netns ? `net:[${statSync(`/run/netns/${ctx.netns}`).ino}]` : netnsOfPid('self');
}

/** wireguard-go processes serving `ifname` (in any namespace), found through /proc. */
function wireguardGoPids(ifname: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
    } catch {
      continue; // exited while we looked
    }
    if (argv.length >= 2 && argv[0].split('/').pop() === 'wireguard-go' && argv[argv.length - 1] === ifname) pids.push(Number(entry));
  }
  return pids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) return false;
    await sleep(10);
  }
  return true;
}

/**
 * Starts `wireguard-go -f NAME` detached in its own session (so it outlives us and our
 * signals), and returns its pid once its control socket exists. Running it in the
 * foreground mode under our spawn is what gives us the daemon's real pid.
 */
async function startWireguardGo(ifname: string, opts: CreateInterfaceOptions): Promise<number> {
  const logPath = opts.stateDir ? join(opts.stateDir, `${ifname}.wireguard-go.log`) : null;
  const logFd = logPath ? openSync(logPath, 'a', 0o600) : null;
  const [file, argv] = inNetns(opts.netns, 'wireguard-go', ['-f', ifname]);
  const child = spawn(file, argv, { detached: true, stdio: ['ignore', logFd ?? 'ignore', logFd ?? 'ignore'] });
  if (logFd !== null) closeSync(logFd);
  let exit: string | null = null;
  child.on('error', (e) => { exit = e.message; });
  child.on('exit', (code, signal) => { exit = signal ? `killed by ${signal}` : `exit code ${code}`; });
  child.unref();
  const ready = await waitFor(() => exit !== null || existsSync(socketPath(ifname)), 5000);
  if (exit !== null || !ready || child.pid === undefined) {
    if (child.pid !== undefined && exit === null) process.kill(child.pid, 'SIGKILL');
    const why = exit ?? 'its control socket did not appear within 5 s';
    throw new Error(`wireguard-go ${ifname} failed to start (${why})${logPath ? `; see ${logPath}` : ''}`);
  }
  return child.pid;
}

/**
 * Creates (or takes over, after an agent restart) a WireGuard interface: the kernel module
 * when `ip link add NAME type wireguard` works, otherwise wireguard-go. Sets the private key
 * through stdin and the listen port, and brings the link up.
 */
export async function createInterface(name: string, opts: CreateInterfaceOptions): Promise<InterfaceInfo> {
  ifnameSchema.parse(name);
  wgKeySchema.parse(opts.privateKey);
  const ctx: WgContext = { netns: opts.netns };
  let info: InterfaceInfo;
  if (await linkExists(name, ctx)) {
    const ns = targetNetns(ctx);
    const pid = wireguardGoPids(name).find((p) => netnsOfPid(p) === ns);
    info = pid === undefined ? { kind: 'kernel', reused: true } : { kind: 'userspace', pid, reused: true };
  } else {
    try {
      await runTool('ip', ['link', 'add', 'dev', name, 'type', 'wireguard'], ctx);
      info = { kind: 'kernel', reused: false };
    } catch {
      info = { kind: 'userspace', pid: await startWireguardGo(name, opts), reused: false };
    }
  }
  const portArgs = opts.listenPort === undefined ? [] : ['listen-port', String(opts.listenPort)];
  await runTool('wg', ['set', name, 'private-key', '/dev/stdin', ...portArgs], { stdin: opts.privateKey + '\n', netns: ctx.netns, stdinByPath: true });
  await runTool('ip', ['link', 'set', 'dev', name, 'up'], ctx);
  return info;
}

/**
 * Deletes the interface and makes sure its wireguard-go (if any) is gone, by pid, and its
 * control socket with it. Deleting an interface that does not exist is not an error.
 */
export async function deleteInterface(name: string, ctx: WgContext = {}): Promise<void> {
  ifnameSchema.parse(name);
  const ns = targetNetns(ctx);
  const pids = wireguardGoPids(name).filter((p) => netnsOfPid(p) === ns);
  if (await linkExists(name, ctx)) await runTool('ip', ['link', 'del', 'dev', name], ctx);
  // wireguard-go exits by itself when its TUN device goes; insist if it does not.
  for (const pid of pids) {
    if (await waitFor(() => !processRunning(pid), 2000)) continue;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !processRunning(pid), 2000);
  }
  if (wireguardGoPids(name).length === 0) rmSync(socketPath(name), { force: true });
}
