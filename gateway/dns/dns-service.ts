// The gateway's DNS service on its overlay service address, udp and tcp port 53, reachable
// only through the tunnel (the input chain lets in only sessions holding the service
// address's udp|tcp/53 elements). The caller is its source address, i.e. its session: a query
// is answered only when one of that session's name or wildcard destinations covers the name,
// with the addresses the gateway's resolver found — after they are in the session's sets —
// and NXDOMAIN (a denied attempt) otherwise. Clients probe every gateway with PROBE_NAME for
// health: that gets NXDOMAIN and is never recorded. Nothing from the network can crash it:
// undecodable or oversized messages are dropped, TCP connections are bounded in number (in all
// and per session), size and idle time, and each session's queries are rate-limited so that no
// client can make the gateway flood its resolver. Callers without a session (the input chain
// keeps the LAN out; this is the second line) are REFUSED and recorded only at a small rate
// per source address; past it their queries are dropped unanswered and unrecorded.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Logger } from '../../common/log.js';
import { PROBE_NAME, dnsNameMatches, isDnsName, normalizeDnsName } from '../../common/dns-names.js';
import { RCODE, TcpFrames, serveTcpFrames } from '../../common/dns-wire.js';
import type { NameAnswer } from './name-table.js';
import { TokenBuckets } from './token-bucket.js';

export interface DnsServiceOptions {
  /** Where answers come from (name-table.ts): resolved, learned and applied before they return. */
  names: { answer(name: string, patterns: readonly string[], session: string): Promise<NameAnswer> };
  /** The session holding an overlay source address (undefined: no session). */
  sessionOf(address: string): string | undefined;
  /** Whether a session has IPv6 enforced; without it AAAA queries get no records (default: all have). */
  hasIpv6?(sessionId: string): boolean;
  /** The name and wildcard destinations of a session's rules. */
  destinationsOf(sessionId: string): readonly string[];
  /** A refused query: session ('' when none), its source, the name. */
  onDenied(sessionId: string, source: string, name: string): void;
  log: Logger;
  /** Queries a session may make per second, and in a burst (defaults 50 and 200). */
  queriesPerSecond?: number;
  burst?: number;
  /** REFUSED answers (each a denied attempt) per second and burst to one source without a session (defaults 1 and 10). */
  strangersPerSecond?: number;
  strangerBurst?: number;
}

const { NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED } = RCODE;
/** A query larger than this is no query of ours (one question, perhaps an OPT record). */
const MAX_QUERY_BYTES = 4096;
/** UDP replies above this are truncated (TC) unless the query's EDNS allows more. */
const UDP_CLASSIC_BYTES = 512;
const UDP_EDNS_MAX_BYTES = 1232;
const TCP_MAX_CONNECTIONS = 256;
const TCP_IDLE_MS = 10_000;
/** Queries of one TCP connection in progress at once (pipelining beyond is a flood). */
const TCP_MAX_PENDING = 16;
/** TCP connections one session (or one source without a session) may hold open. */
const TCP_MAX_PER_SESSION = 16;

type Transport = 'udp' | 'tcp';

/** "::ffff:100.64.0.2" (a dual-stack socket's view of an IPv4 peer) as "100.64.0.2". */
const plainAddress = (a: string) => (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

export class DnsService {
  private readonly buckets: TokenBuckets;
  private readonly strangers: TokenBuckets;
  /** Open TCP connections per session (or per source without one). */
  private readonly perSession = new Map<string, number>();
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();
  private readonly log: Logger;

  constructor(private readonly opts: DnsServiceOptions) {
    this.buckets = new TokenBuckets(opts.queriesPerSecond ?? 50, opts.burst ?? 200);
    this.strangers = new TokenBuckets(opts.strangersPerSecond ?? 1, opts.strangerBurst ?? 10);
    this.log = opts.log.child({ module: 'dns' });
  }

  /** Listens on HOST:PORT, udp and tcp; rejects (listening on neither) when either fails. */
  async listen(host: string, port: number): Promise<void> {
    await this.close();
    const udp = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
    const tcp = createServer({ allowHalfOpen: false }, (socket) => this.serveTcp(socket));
    tcp.maxConnections = TCP_MAX_CONNECTIONS;
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      // The same port for both (port 0: the one the system gave udp).
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      tcp.close();
      throw err;
    }
    udp.on('error', (err) => this.log.warn({ err: err.message }, 'dns udp socket error'));
    udp.on('message', (msg, rinfo) => void this.serveUdp(msg, plainAddress(rinfo.address), rinfo.port));
    tcp.on('error', (err) => this.log.warn({ err: err.message }, 'dns tcp listener error'));
    this.udp = udp;
    this.tcp = tcp;
  }

  /** The port listened on (tests listen on port 0). */
  get port(): number | undefined {
    return this.udp?.address().port;
  }

  async close(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const s of this.connections) s.destroy();
    this.connections.clear();
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  /**
   * The reply to one message from `source` (undefined: dropped). Never throws: whatever
   * arrives is only ever decoded, never trusted.
   */
  async handle(message: Buffer, source: string, transport: Transport): Promise<Buffer | undefined> {
    if (message.length < 12 || message.length > MAX_QUERY_BYTES) return undefined;
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    if (query.flag_qr) return undefined; // a response is never answered (no reflection loops)
    try {
      const reply = await this.answer(query, source);
      return reply && this.encode(query, reply, transport);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'dns reply could not be built');
      return undefined;
    }
  }

  /** The reply's code and records; undefined: dropped unanswered. */
  private async answer(query: dnsPacket.DecodedPacket, source: string): Promise<{ rcode: number; answers: dnsPacket.Answer[] } | undefined> {
    const refuse = (rcode: number) => ({ rcode, answers: [] });
    if ((query as { opcode?: string }).opcode !== 'QUERY') return refuse(NOTIMP);
    const questions = query.questions ?? [];
    if (questions.length !== 1) return refuse(FORMERR);
    const q = questions[0];
    if (typeof q.name !== 'string') return refuse(FORMERR);
    const name = normalizeDnsName(q.name);
    if (name === PROBE_NAME) return refuse(NXDOMAIN);
    const session = this.opts.sessionOf(source);
    if (session === undefined) {
      if (!this.strangers.take(source, Date.now())) return undefined;
      if (isDnsName(name)) this.opts.onDenied('', source, name);
      return refuse(REFUSED);
    }
    if (!this.buckets.take(session, Date.now())) return refuse(REFUSED);
    // Not a host name (single labels, service labels, the root): never a resource, not an attempt at one.
    if (!isDnsName(name)) return refuse(NXDOMAIN);
    const patterns = this.opts.destinationsOf(session).filter((p) => dnsNameMatches(p, name));
    if (patterns.length === 0) {
      this.opts.onDenied(session, source, name);
      return refuse(NXDOMAIN);
    }
    let found: NameAnswer;
    try {
      found = await this.opts.names.answer(name, patterns, session);
    } catch (err) {
      this.log.warn({ name, err: (err as Error).message }, 'dns query not answered');
      return refuse(SERVFAIL);
    }
    // A session without enforced IPv6 has no allow6 elements: IPv6 answers would only fail.
    const family = q.type === 'A' ? 4 : q.type === 'AAAA' && (this.opts.hasIpv6?.(session) ?? true) ? 6 : 0;
    const answers: dnsPacket.Answer[] = found.addresses.filter((a) => isIP(a) === family)
      .map((a) => ({ name: q.name, type: family === 4 ? 'A' : 'AAAA', class: 'IN', ttl: found.ttlS, data: a }));
    return { rcode: NOERROR, answers };
  }

  private encode(query: dnsPacket.DecodedPacket, reply: { rcode: number; answers: dnsPacket.Answer[] }, transport: Transport): Buffer {
    const rd = query.flags! & dnsPacket.RECURSION_DESIRED;
    const packet = (answers: dnsPacket.Answer[], truncated: boolean): dnsPacket.Packet => ({
      type: 'response', id: query.id,
      flags: rd | dnsPacket.RECURSION_AVAILABLE | (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) | reply.rcode,
      questions: (query.questions ?? []).slice(0, 1), answers,
    });
    const full = dnsPacket.encode(packet(reply.answers, false));
    if (transport === 'tcp') return full;
    const opt = query.additionals?.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer | undefined;
    const limit = opt ? Math.min(Math.max(opt.udpPayloadSize, UDP_CLASSIC_BYTES), UDP_EDNS_MAX_BYTES) : UDP_CLASSIC_BYTES;
    // Too big for this datagram: the client asks again over tcp.
    return full.length <= limit ? full : dnsPacket.encode(packet([], true));
  }

  private async serveUdp(msg: Buffer, source: string, port: number): Promise<void> {
    const reply = await this.handle(msg, source, 'udp');
    if (reply && this.udp) this.udp.send(reply, port, source);
  }

  /** Length-prefixed messages (RFC 1035 4.2.2), answered in order. */
  private serveTcp(socket: Socket): void {
    const source = plainAddress(socket.remoteAddress ?? '');
    const owner = this.opts.sessionOf(source) ?? source;
    const open = this.perSession.get(owner) ?? 0;
    if (open >= TCP_MAX_PER_SESSION) {
      socket.destroy();
      return;
    }
    this.perSession.set(owner, open + 1);
    this.connections.add(socket);
    socket.on('close', () => {
      this.connections.delete(socket);
      const n = (this.perSession.get(owner) ?? 1) - 1;
      if (n > 0) this.perSession.set(owner, n);
      else this.perSession.delete(owner);
    });
    // Replies go back in order, one query at a time per connection, at most TCP_MAX_PENDING waiting.
    let pending = 0;
    let chain: Promise<unknown> = Promise.resolve();
    serveTcpFrames(socket, new TcpFrames(12, MAX_QUERY_BYTES), TCP_IDLE_MS, (message) => {
      if (pending >= TCP_MAX_PENDING) return 'close';
      pending++;
      const reply = chain.then(() => this.handle(message, source, 'tcp')).finally(() => { pending--; });
      chain = reply.catch(() => undefined);
      return reply;
    });
  }
}
