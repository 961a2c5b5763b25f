// The session's DNS forwarder (udp and tcp, on the session's IPv4 overlay address, port 53):
// a query for a resource name goes through the tunnel to the DNS service of the gateway that
// carries the name, and the A/AAAA addresses of the answer are handed to `learn` (which makes
// them AllowedIPs and routes) BEFORE the reply is returned, so the first packet to an answered
// address already takes the tunnel. A name no gateway covers gets NXDOMAIN here, without
// leaving the device. Anything malformed is dropped; nothing from the network can crash it.
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import ipaddr from 'ipaddr.js';
import { normalizeDnsName } from '../common/dns-names.js';
import { RCODE, TcpFrames, serveTcpFrames, tcpFrame } from '../common/dns-wire.js';
import type { Logger } from '../common/log.js';

/** Where a name's queries go: the gateway carrying it and its DNS service. */
export interface DnsTarget {
  gateway: string;
  address: string;
  port: number;
}

export interface ForwarderOptions {
  /** Listen address (the session's IPv4 overlay address) and port (53; 0 in tests). */
  address: string;
  port: number;
  /** The target for a (normalised) name, or undefined when no gateway covers it. */
  route: (name: string) => DnsTarget | undefined;
  /**
   * Makes the answered addresses reachable through `gateway` for `ttl` seconds (the answer's
   * lowest A/AAAA TTL); the reply waits for it, and a rejection turns it into SERVFAIL.
   */
  learn: (name: string, gateway: string, addresses: string[], ttl: number) => Promise<void>;
  /**
   * The addresses of this host that may query (besides loopback): the session's own overlay
   * addresses. Linux accepts packets for the overlay address on every interface, so without
   * this check a host on the same LAN could query resource names and churn learned routes.
   */
  localAddresses?: readonly string[];
  log: Logger;
  upstreamTimeoutMs?: number;
}

/** Queries handled at once (udp and tcp together); more are dropped, as a loaded server would. */
const MAX_IN_FLIGHT = 256;
const MAX_TCP_CONNECTIONS = 64;
const TCP_IDLE_MS = 10_000;

/** The A and AAAA addresses of a DNS answer (normalised text), others ignored. */
export function answeredAddresses(response: dnsPacket.DecodedPacket): string[] {
  const out = new Set<string>();
  for (const a of response.answers ?? []) {
    if ((a.type === 'A' || a.type === 'AAAA') && typeof a.data === 'string' && ipaddr.isValid(a.data)) {
      out.add(ipaddr.parse(a.data).toString());
    }
  }
  return [...out];
}

/** The lowest TTL of the A and AAAA records of an answer (0 without any). */
export function answerTtl(response: dnsPacket.DecodedPacket): number {
  const ttls = (response.answers ?? []).filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => (a as { ttl?: number }).ttl ?? 0);
  return ttls.length ? Math.min(...ttls) : 0;
}

/** Whether `from` (a query's source) is this host: loopback or one of `own`. */
export function isLocalSource(from: string, own: readonly string[]): boolean {
  if (!ipaddr.isValid(from)) return false;
  let a = ipaddr.parse(from);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  if (a.range() === 'loopback') return true;
  return own.some((o) => ipaddr.isValid(o) && ipaddr.parse(o).toString() === a.toString());
}

/** A reply with only a header and the question: NXDOMAIN or SERVFAIL. */
function errorReply(q: dnsPacket.DecodedPacket, rcode: number): Buffer {
  const rd = q.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  return dnsPacket.encode({ type: 'response', id: q.id, flags: rd | dnsPacket.RECURSION_AVAILABLE | rcode, questions: q.questions });
}

/**
 * One query over UDP; the reply must carry the query's id and come from the target's address
 * and port (the socket is connected, so the kernel drops datagrams from anyone else).
 */
export function udpQuery(target: DnsTarget, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(target.address) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | undefined, reply?: Buffer) => {
      // Closing a dgram socket twice throws: a late error or send callback must be a no-op.
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err); else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from ${target.gateway} in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg) => { if (msg.length >= 12 && msg.readUInt16BE(0) === id) finish(undefined, msg); });
    socket.connect(target.port, target.address, () => {
      if (!done) socket.send(query, (err) => { if (err) finish(err); });
    });
  });
}

/**
 * Asks `target` for the A and AAAA records of `name` (the failover re-ask: a gateway adds
 * the addresses it answers to the session's sets); the answered addresses and lowest TTL.
 */
export async function askGateway(target: DnsTarget, name: string, timeoutMs: number): Promise<{ addresses: string[]; ttl: number }> {
  const answers = await Promise.all((['A', 'AAAA'] as const).map(async (type) => {
    const id = randomInt(0, 65536);
    const query = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
    const reply = dnsPacket.decode(await udpQuery(target, query, id, timeoutMs));
    if (reply.type !== 'response') throw new Error(`${target.gateway} sent no response for ${name}`);
    return reply;
  }));
  const answered = answers.filter((a) => answeredAddresses(a).length > 0);
  return { addresses: [...new Set(answered.flatMap(answeredAddresses))], ttl: Math.min(...answered.map(answerTtl)) };
}

/** One query over TCP (two-byte length prefix each way). */
function tcpQuery(target: DnsTarget, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.address, port: target.port });
    const frames = new TcpFrames();
    const finish = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err); else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from ${target.gateway} in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => finish(err));
    socket.on('data', (chunk) => {
      try {
        const [reply] = frames.push(chunk);
        if (reply) finish(undefined, reply);
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('end', () => finish(new Error(`${target.gateway} closed the connection`)));
    socket.write(tcpFrame(query));
  });
}

export class DnsForwarder {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private inFlight = 0;
  private readonly connections = new Set<net.Socket>();

  constructor(private readonly o: ForwarderOptions) {}

  /** Where it listens (ports resolved when 0 was asked). */
  get ports(): { udp: number; tcp: number } {
    return { udp: this.udp?.address().port ?? 0, tcp: (this.tcp?.address() as net.AddressInfo | null)?.port ?? 0 };
  }

  async start(): Promise<void> {
    const tcp = net.createServer((socket) => this.serveTcp(socket));
    tcp.maxConnections = MAX_TCP_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.o.port, this.o.address, () => { tcp.off('error', reject); resolve(); });
    });
    tcp.on('error', (err) => this.o.log.warn({ err: err.message }, 'DNS forwarder (tcp) error'));
    this.tcp = tcp;
    const udp = dgram.createSocket(net.isIPv6(this.o.address) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      // The same port as tcp, so a system resolver configured with one address finds both.
      udp.bind((tcp.address() as net.AddressInfo).port, this.o.address, () => { udp.off('error', reject); resolve(); });
    });
    udp.on('error', (err) => this.o.log.warn({ err: err.message }, 'DNS forwarder (udp) error'));
    udp.on('message', (msg, from) => {
      void this.handle(msg, 'udp', from.address).then((reply) => {
        // stop() may have closed the socket while the query was pending: send would throw.
        if (reply && this.udp === udp) udp.send(reply, from.port, from.address, () => undefined);
      }).catch((err: unknown) => this.o.log.warn({ err: (err as Error).message }, 'DNS reply not sent'));
    });
    this.udp = udp;
  }

  async stop(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    const tcp = this.tcp;
    this.tcp = undefined;
    for (const c of this.connections) c.destroy();
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }

  private serveTcp(socket: net.Socket): void {
    if (!isLocalSource(socket.remoteAddress ?? '', this.localAddresses())) {
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    serveTcpFrames(socket, new TcpFrames(), TCP_IDLE_MS, (msg) => this.handle(msg, 'tcp', socket.remoteAddress ?? ''),
      (err) => this.o.log.warn({ err: err.message }, 'DNS reply not sent'));
  }

  private localAddresses(): readonly string[] {
    return this.o.localAddresses ?? [this.o.address];
  }

  /** The reply to one query from `from` (undefined: drop it). Never throws. */
  async handle(msg: Buffer, transport: 'udp' | 'tcp', from: string): Promise<Buffer | undefined> {
    if (!isLocalSource(from, this.localAddresses())) return undefined;
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    const question = q.questions?.[0];
    if (q.type !== 'query' || q.questions?.length !== 1 || !question || typeof question.name !== 'string') return undefined;
    if (this.inFlight >= MAX_IN_FLIGHT) return undefined;
    this.inFlight++;
    try {
      const name = normalizeDnsName(question.name);
      const target = this.o.route(name);
      if (!target) return errorReply(q, RCODE.NXDOMAIN);
      const timeoutMs = this.o.upstreamTimeoutMs ?? 3000;
      let reply: Buffer;
      let answer: dnsPacket.DecodedPacket;
      try {
        reply = transport === 'tcp' ? await tcpQuery(target, msg, timeoutMs) : await udpQuery(target, msg, q.id ?? 0, timeoutMs);
        answer = dnsPacket.decode(reply);
      } catch (err) {
        this.o.log.warn({ name, gateway: target.gateway, err: (err as Error).message }, 'DNS query through the tunnel failed');
        return errorReply(q, RCODE.SERVFAIL);
      }
      if (answer.id !== q.id || answer.type !== 'response') return errorReply(q, RCODE.SERVFAIL);
      const addresses = answeredAddresses(answer);
      if (addresses.length > 0) {
        try {
          await this.o.learn(name, target.gateway, addresses, answerTtl(answer));
        } catch (err) {
          // An address the tunnel cannot carry would leak to the default route: fail the query.
          this.o.log.error({ name, gateway: target.gateway, err: (err as Error).message }, 'routing a DNS answer failed');
          return errorReply(q, RCODE.SERVFAIL);
        }
      }
      return reply;
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'DNS query dropped');
      return undefined;
    } finally {
      this.inFlight--;
    }
  }
}
