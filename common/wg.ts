// WireGuard driver shared by the gateway and the client: X25519 keys made in-process, the
// interface (kernel module or wireguard-go), and peers configured through the `wg` tool with
// every secret on stdin. Nothing here ever puts a key in argv, an error message or a log.
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, readlinkSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------
// Running tools

export interface RunOptions {
  /** Written to the child's stdin (then closed). Never echoed in errors. */
  stdin?: string;
  /** Run inside this named network namespace (`ip netns exec`); for tests and tooling. */
  netns?: string;
  /** Kill the child after this long (default 30 s). */
  timeoutMs?: number;
  /**
   * The tool opens `/dev/stdin` by path (as `wg` does). Node gives a child a socket as
   * stdin, and opening a socket through /proc/self/fd fails (ENXIO), so a `cat` in between
   * turns it into a real pipe. The data still never touches argv or a file.
   */
  stdinByPath?: boolean;
}

/** A base64 WireGuard key (32 bytes) wherever it appears in text. */
const KEY_IN_TEXT = /[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=/g;

/** Removes anything shaped like a key, so a tool that echoes bad input cannot leak one. */
export function scrubKeys(text: string): string {
  return text.replace(KEY_IN_TEXT, '[key]');
}

/** The argv to run `cmd args` in `netns` (or directly). */
export function inNetns(netns: string | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, cmd, ...args]] : [cmd, [...args]];
}

/**
 * Runs a tool with an argument array, feeds `stdin`, resolves with stdout. The error names
 * the command, its arguments (which never hold secrets by construction) and its stderr with
 * key-shaped text scrubbed — never stdin.
 */
export function runTool(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const [file, argv] = opts.stdinByPath
    ? inNetns(opts.netns, 'sh', ['-c', 'cat | "$@"', 'sh', cmd, ...args])
    : inNetns(opts.netns, cmd, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => { /* the exit status reports the failure */ });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const stderr = scrubKeys(Buffer.concat(err).toString('utf8').trim());
      const status = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const shown = args.join(' ');
      const argText = shown.length > 300 ? `${shown.slice(0, 300)}… (${args.length} arguments)` : shown;
      reject(new Error(`${cmd} ${argText} ${status}${stderr ? `: ${stderr}` : ''}`));
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

// ---------------------------------------------------------------------------------------
// Keys

// Raw X25519 keys are the last 32 bytes of their PKCS#8 / SPKI DER encodings.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** 32 bytes in base64: 43 characters, the last one carrying only 4 bits, then one '='. */
export const wgKeySchema = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'not a WireGuard key (32 bytes, base64)');

/**
 * A new X25519 private key, raw 32 bytes in base64, clamped as `wg genkey` does. Made from
 * 32 random bytes rather than with generateKeyPairSync: on Node 20, a garbage collection
 * during the export of a generateKeyPairSync key can deadlock the process (the key-pair job's
 * destructor waits on the lock the export holds), which we hit in practice.
 */
export function generatePrivateKey(): string {
  const k = randomBytes(32);
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;
  return k.toString('base64');
}

/** The public key of a base64 X25519 private key. */
export function publicKeyOf(privateKey: string): string {
  wgKeySchema.parse(privateKey);
  const der = Buffer.concat([X25519_PKCS8_PREFIX, Buffer.from(privateKey, 'base64')]);
  const spki = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}

/** A new random preshared key (32 bytes, base64). */
export function generatePresharedKey(): string {
  return randomBytes(32).toString('base64');
}

/** A short one-way fingerprint of a secret, to notice that it changed without keeping it. */
export function keyFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('base64').slice(0, 16);
}

// ---------------------------------------------------------------------------------------
// Peers

const cidrSchema = z.string().refine((s) => ipaddr.isValidCIDR(s), { message: 'not an address/prefix (CIDR)' });
const endpointSchema = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'not HOST:PORT');

export const wgPeerSchema = z.object({
  publicKey: wgKeySchema,
  presharedKey: wgKeySchema.optional(),
  allowedIps: z.array(cidrSchema),
  endpoint: endpointSchema.optional(),
  persistentKeepalive: z.number().int().min(0).max(65535).optional(),
});
export type WgPeer = z.infer<typeof wgPeerSchema>;

export const ifnameSchema = z.string().regex(/^[A-Za-z0-9_=+.-]{1,15}$/, 'interface name: 1-15 of A-Z a-z 0-9 _ = + . -');

/**
 * The `[Peer]` sections for `wg addconf`/`wg syncconf`. Every field is validated first, so
 * no value can smuggle a line into the configuration.
 */
export function renderPeers(peers: readonly WgPeer[]): string {
  return peers.map((raw) => {
    const p = wgPeerSchema.parse(raw);
    const lines = ['[Peer]', `PublicKey = ${p.publicKey}`];
    if (p.presharedKey) lines.push(`PresharedKey = ${p.presharedKey}`);
    if (p.allowedIps.length) lines.push(`AllowedIPs = ${p.allowedIps.join(', ')}`);
    if (p.endpoint) lines.push(`Endpoint = ${p.endpoint}`);
    if (p.persistentKeepalive !== undefined) lines.push(`PersistentKeepalive = ${p.persistentKeepalive}`);
    return lines.join('\n') + '\n';
  }).join('');
}

export interface WgContext {
  /** Named network namespace to act in (tests, benchmarks, demo); default: our own. */
  netns?: string;
}

/** Adds or updates peers (AllowedIPs replaced, PSK set) in ONE `wg addconf`, keys on stdin. */
export async function addPeers(ifname: string, peers: readonly WgPeer[], ctx: WgContext = {}): Promise<void> {
  if (peers.length === 0) return;
  await runTool('wg', ['addconf', ifnameSchema.parse(ifname), '/dev/stdin'], { stdin: renderPeers(peers), netns: ctx.netns, stdinByPath: true });
}

/** Removes peers in ONE `wg set` (public keys are not secret; unknown keys are ignored). */
export async function removePeers(ifname: string, publicKeys: readonly string[], ctx: WgContext = {}): Promise<void> {
  if (publicKeys.length === 0) return;
  const args = ['set', ifnameSchema.parse(ifname)];
  for (const k of publicKeys) args.push('peer', wgKeySchema.parse(k), 'remove');
  await runTool('wg', args, { netns: ctx.netns });
}

/** Replaces the whole peer list in ONE `wg syncconf` (the private key is left as is). */
export async function syncPeers(ifname: string, peers: readonly WgPeer[], ctx: WgContext = {}): Promise<void> {
  await runTool('wg', ['syncconf', ifnameSchema.parse(ifname), '/dev/stdin'], { stdin: '[Interface]\n' + renderPeers(peers), netns: ctx.netns, stdinByPath: true });
}

// ---------------------------------------------------------------------------------------
// Reading state

export interface WgPeerStatus {
  publicKey: string;
  endpoint: string | null;
  allowedIps: string[];
  latestHandshakeMs: number;
  rxBytes: number;
  txBytes: number;
}

export interface WgDump {
  publicKey: string;
  listenPort: number;
  peers: WgPeerStatus[];
}

/**
 * Parses `wg show IF dump`. The interface line's private key (field 0) and each peer's
 * preshared key (field 1) are dropped as each line is split, before anything else sees it.
 */
export function parseDump(text: string): WgDump {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error('wg dump: empty output');
  const [, publicKey, listenPort] = lines[0].split('\t');
  if (publicKey === undefined || listenPort === undefined) throw new Error('wg dump: malformed interface line');
  const peers = lines.slice(1).map((line, i): WgPeerStatus => {
    const [key, , endpoint, allowed, handshake, rx, tx] = line.split('\t');
    if (tx === undefined) throw new Error(`wg dump: malformed peer line ${i + 1}`);
    return {
      publicKey: key,
      endpoint: endpoint === '(none)' ? null : endpoint,
      allowedIps: allowed === '(none)' ? [] : allowed.split(','),
      latestHandshakeMs: Number(handshake) * 1000,
      rxBytes: Number(rx),
      txBytes: Number(tx),
    };
  });
  return { publicKey: publicKey === '(none)' ? '' : publicKey, listenPort: Number(listenPort), peers };
}

/** The interface's public state with every secret field stripped. */
export async function dump(ifname: string, ctx: WgContext = {}): Promise<WgDump> {
  return parseDump(await runTool('wg', ['show', ifnameSchema.parse(ifname), 'dump'], { netns: ctx.netns }));
}

// ---------------------------------------------------------------------------------------
// Interfaces

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
export const socketPath = (ifname: string): string => join(SOCKET_DIR, `${ifname}.sock`);

async function linkExists(ifname: string, ctx: WgContext): Promise<boolean> {
  try {
    await runTool('ip', ['link', 'show', 'dev', ifname], { netns: ctx.netns });
    return true;
  } catch {
    return false;
  }
}

/** The namespace (`net:[inode]`) a process lives in, or null when it is gone. */
function netnsOfPid(pid: number | 'self'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return netnsOfPid(pid) !== null; // a zombie has no namespace link any more
  } catch {
    return false;
  }
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
    if (await waitFor(() => !alive(pid), 2000)) continue;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !alive(pid), 2000);
  }
  if (wireguardGoPids(name).length === 0) rmSync(socketPath(name), { force: true });
}
