// Traffic helpers over a topology: echo and HTTP servers in a namespace, TCP/UDP/ICMP probes,
// and a long-lived TCP stream that says when its echoes stop (to prove and measure that a
// revocation cuts an established flow); for names, an authoritative DNS server whose records a
// test rewrites, DNS queries, and probes that time a failover or a name's move. Every process
// is spawned through the topology, so it is killed at cleanup.
import type { ChildProcess } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Topology } from './topology.js';

const NETPROG = fileURLToPath(new URL('./netprog.js', import.meta.url));

/** A process that speaks JSON lines on stdout; every line is kept in `events`. */
export class Program {
  readonly events: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  exited = false;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        return; // not ours (e.g. a warning)
      }
      this.wake();
    });
    child.on('exit', () => { this.exited = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Resolves when `pred` holds over the events, rejects after `timeoutMs`. */
  async until(pred: (events: Record<string, unknown>[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.events)) {
      if (this.exited) throw new Error(`${what}: the program exited`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  stop(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

function program(topo: Topology, role: string, args: string[]): Program {
  return new Program(topo.spawn(role, process.execPath, [NETPROG, ...args]));
}

export type ServerKind = 'tcp-echo' | 'tcp-push' | 'udp-echo' | 'http' | 'http-echo';

/**
 * Starts a server listening on `listen`:port (0.0.0.0 unless given; "::" listens for IPv6
 * only, beside an IPv4 server on the same port) in `role`'s namespace; resolves once it listens.
 */
export async function startServer(topo: Topology, role: string, kind: ServerKind, port: number, body = `${role}\n`, listen?: string): Promise<Program> {
  const host = listen ? [listen] : [];
  const p = program(topo, role, kind === 'http' ? [kind, String(port), body, ...host] : [kind, String(port), ...host]);
  await p.until((ev) => ev.some((e) => e.ready === true), 5000, `${kind} server on ${role}:${port}`);
  return p;
}

/** The records a DNS server answers from: name → TTL (seconds) and its A and AAAA addresses. */
export type DnsRecords = Record<string, { ttl: number; A?: string[]; AAAA?: string[] }>;

/**
 * An authoritative DNS server in `role`'s namespace answering A and AAAA from `file`, read
 * again for every query: `writeDnsRecords` changes what it answers. Its events are the
 * queries it got (`{query, type, from, at}`).
 */
export async function startDnsServer(topo: Topology, role: string, file: string, records: DnsRecords, port = 53): Promise<Program> {
  writeDnsRecords(file, records);
  const p = program(topo, role, ['dns-server', String(port), file]);
  await p.until((ev) => ev.some((e) => e.ready === true), 5000, `DNS server on ${role}:${port}`);
  return p;
}

/** Replaces the records atomically (the server never reads half a file). */
export function writeDnsRecords(file: string, records: DnsRecords): void {
  writeFileSync(`${file}.new`, JSON.stringify(records));
  renameSync(`${file}.new`, file);
}

/** A DNS answer: the response code ("NOERROR", "NXDOMAIN", ...) and the records (`data`: the address). */
export interface DnsAnswer { rcode: string; answers: { type: string; name: string; ttl: number; data: unknown }[] }

/**
 * One DNS query from `role` to `server` (HOST, HOST:PORT or [IPv6]:PORT); undefined when
 * nothing answered within `timeoutMs`.
 */
export async function dnsQuery(topo: Topology, role: string, server: string, name: string, opts: { type?: 'A' | 'AAAA'; timeoutMs?: number; tcp?: boolean } = {}): Promise<DnsAnswer | undefined> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const args = [NETPROG, 'dns-query', server, name, opts.type ?? 'A', String(timeoutMs), opts.tcp ? 'tcp' : 'udp'];
  try {
    return JSON.parse(await topo.exec(role, process.execPath, args, { timeoutMs: timeoutMs + 5000 })) as DnsAnswer;
  } catch (e) {
    if (/exited with code 1/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** The addresses of a DNS answer (its A or AAAA records), sorted. */
export const answeredAddresses = (a: DnsAnswer | undefined): string[] =>
  (a?.answers ?? []).filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => String(r.data)).sort();

/**
 * From `role`, a TCP connection attempt to host:port every `intervalMs` until one connects;
 * resolves with the time (epoch ms) it did and the local address it used; rejects after
 * `timeoutMs`. Measures when a path opens (a failover) to within one interval.
 */
export async function firstConnection(topo: Topology, role: string, host: string, port: number, opts: { intervalMs?: number; timeoutMs?: number } = {}): Promise<{ connected: number; local: string }> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const args = [NETPROG, 'first-connection', host, String(port), String(opts.intervalMs ?? 100), String(timeoutMs)];
  const out = await topo.exec(role, process.execPath, args, { timeoutMs: timeoutMs + 5000 }).catch((e: Error) => {
    throw new Error(`no connection from ${role} to ${host}:${port} within ${timeoutMs} ms (${e.message})`);
  });
  return JSON.parse(out) as { connected: number; local: string };
}

/**
 * From `role`, asks `server` for `name` every `intervalMs` until `address` is answered and
 * then connects to address:port; resolves with when it was first answered and when the
 * connection got through (epoch ms); rejects after `timeoutMs`.
 */
export async function followName(topo: Topology, role: string, server: string, name: string, address: string, port: number, opts: { intervalMs?: number; timeoutMs?: number } = {}): Promise<{ answered: number; connected: number }> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const args = [NETPROG, 'dns-follow', server, name, address, String(port), String(opts.intervalMs ?? 100), String(timeoutMs)];
  const out = await topo.exec(role, process.execPath, args, { timeoutMs: timeoutMs + 5000 }).catch((e: Error) => {
    throw new Error(`${name} did not lead ${role} to ${address}:${port} within ${timeoutMs} ms (${e.message})`);
  });
  return JSON.parse(out) as { answered: number; connected: number };
}

export type TcpOutcome = 'connected' | 'refused' | 'timeout' | 'error';

async function outcome(topo: Topology, role: string, args: string[], timeoutMs: number): Promise<number> {
  try {
    await topo.exec(role, process.execPath, [NETPROG, ...args], { timeoutMs: timeoutMs + 5000 });
    return 0;
  } catch (e) {
    const m = /exited with code (\d+)/.exec((e as Error).message);
    if (!m) throw e;
    return Number(m[1]);
  }
}

/** Tries a TCP connection from `role`. A refusal means the packet got through (and back). */
export async function tcpConnect(topo: Topology, role: string, host: string, port: number, timeoutMs = 1500, bind?: string): Promise<TcpOutcome> {
  const code = await outcome(topo, role, ['probe-tcp', host, String(port), String(timeoutMs), ...(bind ? [bind] : [])], timeoutMs);
  return (['connected', 'timeout', 'error', 'refused'] as const)[code] ?? 'error';
}

/** True when a TCP connection from `role` to host:port completes within `timeoutMs`. */
export async function probeTcp(topo: Topology, role: string, host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return (await tcpConnect(topo, role, host, port, timeoutMs)) === 'connected';
}

/** True when a datagram from `role` to host:port is answered within `timeoutMs`. */
export async function probeUdp(topo: Topology, role: string, host: string, port: number, timeoutMs = 1500, opts: { message?: string; bind?: string } = {}): Promise<boolean> {
  const args = ['probe-udp', host, String(port), String(timeoutMs), opts.message ?? 'probe', ...(opts.bind ? [opts.bind] : [])];
  return (await outcome(topo, role, args, timeoutMs)) === 0;
}

/**
 * True when `host` answers one ICMP echo from `role` within `timeoutMs`. Uses perl's core
 * Net::Ping (a raw ICMP socket): iputils' ping is not installed everywhere this runs.
 */
export async function ping(topo: Topology, role: string, host: string, timeoutMs = 1500): Promise<boolean> {
  const script = 'use Net::Ping; my $p = Net::Ping->new("icmp", $ARGV[1]); exit($p->ping($ARGV[0]) ? 0 : 1);';
  try {
    await topo.exec(role, 'perl', ['-e', script, host, String(timeoutMs / 1000)], { timeoutMs: timeoutMs + 5000 });
    return true;
  } catch (e) {
    if (/exited with code 1$/.test((e as Error).message)) return false;
    throw e;
  }
}

/**
 * Round-trip times in ms of `count` ICMP echoes from `role` to `host`, `intervalMs` apart
 * (Net::Ping with high-resolution timing; an echo that got no answer is left out).
 */
export async function pingRtts(topo: Topology, role: string, host: string, count: number, intervalMs = 20): Promise<number[]> {
  const script = 'use Net::Ping; use Time::HiRes qw(usleep); my $p = Net::Ping->new("icmp", 1); $p->hires(1);'
    + ' for (1..$ARGV[1]) { my ($ok, $d) = $p->ping($ARGV[0]); print(($d * 1000) . "\\n") if $ok; usleep($ARGV[2] * 1000); }';
  const out = await topo.exec(role, 'perl', ['-e', script, host, String(count), String(intervalMs)], { timeoutMs: count * (intervalMs + 1000) + 5000 });
  return out.split('\n').filter((l) => l.trim() !== '').map(Number);
}

/** A TCP connection sending a line every `intervalMs`, counting the echoes that come back. */
export class Stream extends Program {
  get echoes(): number {
    return this.events.filter((e) => typeof e.echo === 'number').length;
  }

  /** Arrival time (epoch ms) of the latest echo, 0 before the first. */
  get lastEchoAt(): number {
    const last = this.events.findLast((e) => typeof e.echo === 'number');
    return last ? Number(last.at) : 0;
  }

  /** Echoes that arrived at or after `epochMs`. */
  echoesSince(epochMs: number): number {
    return this.events.filter((e) => typeof e.echo === 'number' && Number(e.at) >= epochMs).length;
  }

  waitForEchoes(n: number, timeoutMs = 5000): Promise<void> {
    return this.until(() => this.echoes >= n, timeoutMs, `${n} echoes`);
  }
}

/**
 * Opens a stream from `role` to an echo server at host:port; resolves once connected. With a
 * `tcp-push` server and `intervalMs` 0 the client sends nothing and counts the lines the
 * server pushes (data flowing toward the client only).
 */
export async function startStream(topo: Topology, role: string, host: string, port: number, intervalMs = 20): Promise<Stream> {
  const s = new Stream(topo.spawn(role, process.execPath, [NETPROG, 'stream', host, String(port), String(intervalMs)]));
  await s.until((ev) => ev.some((e) => typeof e.connected === 'number'), 5000, `stream to ${host}:${port}`);
  return s;
}

/** What `httpRequest` saw: the status, headers and body (`aborted` when the answer was cut), or why there was none. */
export interface HttpAnswer { status?: number; headers?: Record<string, string | string[]>; body?: string; aborted?: boolean; error?: string }

/**
 * One HTTP(S) request from `role`'s namespace (headers may set `host`, to name a resource at
 * a proxy's address); never throws for an HTTP status or a network failure.
 */
export async function httpRequest(topo: Topology, role: string, url: string, opts: { method?: string; headers?: Record<string, string | string[]>; caFile?: string } = {}): Promise<HttpAnswer> {
  const args = [NETPROG, 'http-request', url, opts.method ?? 'GET', JSON.stringify(opts.headers ?? {}), ...(opts.caFile ? [opts.caFile] : [])];
  let out: string;
  try {
    out = await topo.exec(role, process.execPath, args, { timeoutMs: 10_000 });
  } catch (err) {
    out = (err as Error).message;
  }
  const line = out.split('\n').find((l) => l.startsWith('{'));
  return line ? JSON.parse(line) as HttpAnswer : { error: out };
}

/**
 * A websocket from `role` to `url` (Host header `host`) sending a number every `intervalMs`,
 * counting the echoes (a Stream: same events); resolves once open, rejects when refused.
 */
export async function startWebSocket(topo: Topology, role: string, url: string, host: string, intervalMs = 20): Promise<Stream> {
  const s = new Stream(topo.spawn(role, process.execPath, [NETPROG, 'ws-client', url, host, String(intervalMs)]));
  await s.until((ev) => ev.some((e) => typeof e.connected === 'number' || e.refused !== undefined || e.error !== undefined), 5000, `websocket to ${url}`);
  const failed = s.events.find((e) => e.refused !== undefined || e.error !== undefined);
  if (failed) throw new Error(`websocket to ${url} (${host}) failed: ${JSON.stringify(failed)}`);
  return s;
}

/** One batch of forged TCP SYNs: `count` packets from `source` to `destination:port`. */
export interface SpoofedSyns { source: string; destination: string; port: number; count: number }

// A raw IPv4 socket (IPPROTO_RAW: the header is ours, the kernel fills in its checksum and
// length) sending TCP SYNs with whatever source the caller names; each SYN gets a random
// source port and sequence number. Perl's core Socket module is all it needs.
const SYN_SENDER = String.raw`
use strict; use Socket;
socket(my $s, PF_INET, SOCK_RAW, 255) or die "socket: $!";
sub csum { my $d = shift; $d .= "\0" if length($d) % 2; my $sum = 0; $sum += $_ for unpack('n*', $d);
  $sum = ($sum >> 16) + ($sum & 0xffff) while $sum >> 16; return ~$sum & 0xffff; }
my $sent = 0;
while (my $line = <STDIN>) {
  my ($src, $dst, $port, $n) = split ' ', $line;
  my ($s4, $d4) = (inet_aton($src), inet_aton($dst));
  for (1 .. $n) {
    my $tcp = pack('nnNNCCnnn', 20000 + int(rand(40000)), $port, int(rand(4294967295)), 0, 5 << 4, 0x02, 64240, 0, 0);
    substr($tcp, 16, 2) = pack('n', csum($s4 . $d4 . pack('CCn', 0, 6, length $tcp) . $tcp));
    my $ip = pack('CCnnnCCn', 0x45, 0, 20 + length $tcp, 0, 0, 64, 6, 0) . $s4 . $d4;
    send($s, $ip . $tcp, 0, pack_sockaddr_in(0, $d4)) or die "send: $!";
    $sent++;
  }
}
print "$sent\n";
`;

/** Sends forged SYNs from a host (a compromised LAN host posing as others); returns how many left it. */
export async function sendSpoofedSyns(topo: Topology, role: string, batches: readonly SpoofedSyns[]): Promise<number> {
  const stdin = batches.map((b) => `${b.source} ${b.destination} ${b.port} ${b.count}\n`).join('');
  return Number((await topo.exec(role, 'perl', ['-e', SYN_SENDER], { stdin })).trim());
}
