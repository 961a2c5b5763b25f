// Small network programs run inside a namespace by the traffic helpers (traffic.ts), as
// `node netprog.js <program> ...`: echo, push and HTTP servers, TCP/UDP probes, a UDP sender with
// a chosen source address, a long-lived TCP stream that reports every echo it gets, and for
// the identity-aware proxy an upstream that echoes requests (and websocket messages), one
// HTTP request, and a websocket client that reports every echo and the close; for names and
// redundant gateways an authoritative DNS server answering from a file a test rewrites, one
// DNS query, a prober that reports the first TCP connection to get through, and one that
// follows a name to a new address.
// Servers print one JSON line `{"ready":true}` when listening; events are JSON lines too.
// Servers listen on 0.0.0.0 unless given an address as their last argument ("::": IPv6 only).
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, connect, isIPv6, type Server, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import dnsPacket from 'dns-packet';
import { WebSocket, WebSocketServer } from 'ws';
import type { DnsAnswer, DnsRecords } from './traffic.js';

const [program, ...args] = process.argv.slice(2);
const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

/** Listens on `host` (0.0.0.0 by default; an IPv6 address listens for IPv6 only, beside an IPv4 server on the same port). */
function listen(server: Server, port: number, host = '0.0.0.0'): void {
  server.listen({ port, host, ipv6Only: isIPv6(host) }, () => say({ ready: true }));
}

function tcpEcho(port: number, host?: string): void {
  listen(createServer((sock) => {
    say({ accepted: sock.remoteAddress });
    sock.on('error', () => sock.destroy());
    sock.pipe(sock);
  }), port, host);
}

/** Writes a numbered line to each connection every 5 ms, whatever it receives. */
function tcpPush(port: number, host?: string): void {
  listen(createServer((sock) => {
    say({ accepted: sock.remoteAddress });
    let seq = 0;
    const timer = setInterval(() => sock.write(`${seq++}\n`), 5);
    sock.on('error', () => sock.destroy());
    sock.on('close', () => clearInterval(timer));
  }), port, host);
}

function udpEcho(port: number, host = '0.0.0.0'): void {
  const s = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', ipv6Only: isIPv6(host) });
  s.on('message', (msg, rinfo) => {
    say({ from: rinfo.address, data: msg.toString('utf8') });
    s.send(msg, rinfo.port, rinfo.address);
  });
  s.bind(port, host, () => say({ ready: true }));
}

function http(port: number, body: string, host?: string): void {
  listen(createHttpServer((_req, res) => res.end(body)), port, host);
}

function probeTcp(host: string, port: number, timeoutMs: number, bind?: string): void {
  const sock = connect({ host, port, localAddress: bind, timeout: timeoutMs });
  sock.on('connect', () => { sock.destroy(); process.exit(0); });
  sock.on('timeout', () => process.exit(1));
  sock.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'ECONNREFUSED' ? 3 : 2));
}

function probeUdp(host: string, port: number, timeoutMs: number, message: string, bind?: string): void {
  const s = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  s.on('message', () => process.exit(0));
  s.on('error', () => process.exit(2));
  s.bind(0, bind, () => {
    s.send(message, port, host);
    setTimeout(() => process.exit(1), timeoutMs);
  });
}

/** Sends a numbered line every `intervalMs` (0: never) and reports each line received with its arrival time. */
function stream(host: string, port: number, intervalMs: number): void {
  const sock = connect({ host, port });
  let seq = 0;
  let buffered = '';
  sock.on('connect', () => {
    say({ connected: Date.now() });
    if (intervalMs > 0) setInterval(() => sock.write(`${seq++}\n`), intervalMs);
  });
  sock.on('data', (d) => {
    buffered += d.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const l of lines) say({ echo: Number(l), at: Date.now() });
  });
  sock.on('error', (e) => { say({ error: e.message }); process.exit(2); });
  sock.on('close', () => { say({ closed: Date.now() }); process.exit(0); });
}

/**
 * An upstream for the proxy: answers every request with JSON of its method, target and
 * headers (so a test sees exactly what the proxy forwarded), holds `/poll` requests open
 * until the client goes, and echoes websocket messages; each request, and when a long poll
 * or a websocket is closed, is also printed.
 */
function httpEcho(port: number, host?: string): void {
  const server = createHttpServer((req, res) => {
    say({ request: { method: req.method, url: req.url, headers: req.headers } });
    if (req.url?.startsWith('/poll')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('waiting\n');
      req.socket.on('close', () => say({ pollClosed: Date.now() }));
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  new WebSocketServer({ server }).on('connection', (ws, req) => {
    say({ websocket: { url: req.url, headers: req.headers } });
    ws.on('message', (m) => ws.send(m.toString()));
    ws.on('close', () => say({ wsClosed: Date.now() }));
  });
  listen(server, port, host);
}

/** One request; prints `{status, headers, body}` (body as text). Headers as a JSON object. */
function oneRequest(url: string, method: string, headersJson: string, caFile?: string): void {
  const u = new URL(url);
  const headers = JSON.parse(headersJson) as Record<string, string | string[]>;
  const host = typeof headers.host === 'string' ? headers.host : undefined;
  // A Host header names the TLS server too (the certificate is checked against it, not the address).
  const options = { method, headers, setHost: host === undefined, servername: host?.replace(/:\d+$/, ''), ca: caFile ? readFileSync(caFile) : undefined, timeout: 5000 };
  const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, options, (res) => {
    const chunks: Buffer[] = [];
    const body = () => Buffer.concat(chunks).toString('utf8');
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => { say({ status: res.statusCode, headers: res.headers, body: body() }); process.exit(0); });
    res.on('error', () => { say({ status: res.statusCode, headers: res.headers, body: body(), aborted: true }); process.exit(0); });
  });
  req.on('timeout', () => { say({ error: 'timeout' }); process.exit(1); });
  req.on('error', (e) => { say({ error: e.message }); process.exit(2); });
  req.end();
}

/** A websocket sending a number every `intervalMs`, reporting each echo (as `stream` does) and the close. */
function wsClient(url: string, host: string, intervalMs: number): void {
  const ws = new WebSocket(url, { headers: { host } });
  let seq = 0;
  ws.on('open', () => {
    say({ connected: Date.now() });
    setInterval(() => ws.send(String(seq++)), intervalMs);
  });
  ws.on('message', (m) => say({ echo: Number(m.toString()), at: Date.now() }));
  ws.on('unexpected-response', (_req, res) => { say({ refused: res.statusCode }); process.exit(3); });
  ws.on('error', (e) => { say({ error: e.message }); process.exit(2); });
  ws.on('close', () => { say({ closed: Date.now() }); process.exit(0); });
}

/** HOST, HOST:PORT, an IPv6 address, or [IPv6]:PORT. */
function hostPort(text: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : defaultPort };
  if (isIPv6(text)) return { host: text, port: defaultPort };
  const [host = '', port] = text.split(':');
  return { host, port: port ? Number(port) : defaultPort };
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

/**
 * An authoritative DNS server for the resource LAN: A and AAAA answers from a JSON file of
 * `DnsRecords`, read again for every query so that a test changes a record by rewriting the
 * file (atomically: write, then rename). An unknown name is NXDOMAIN, a known name without
 * records of the asked type an empty answer, an unreadable file SERVFAIL; every query is
 * printed (`{query, type, from, at}`), so a test sees when the gateway re-resolves. Without
 * an address it listens on IPv4 and IPv6 both.
 */
function dnsServer(port: number, file: string, host?: string): void {
  const answer = (query: Buffer, from: string): Buffer | undefined => {
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(query);
    } catch {
      return undefined; // not DNS: no answer
    }
    const question = q.questions?.[0];
    if (q.type !== 'query' || !question) return undefined;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    say({ query: name, type: question.type, from, at: Date.now() });
    let records: DnsRecords;
    try {
      records = JSON.parse(readFileSync(file, 'utf8')) as DnsRecords;
    } catch {
      return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | RCODE.SERVFAIL, questions: [question] });
    }
    const record = Object.hasOwn(records, name) ? records[name] : undefined;
    const type = question.type === 'A' || question.type === 'AAAA' ? question.type : undefined;
    const answers: dnsPacket.Answer[] = record && type
      ? (record[type] ?? []).map((data) => ({ type, name: question.name, class: 'IN', ttl: record.ttl, data }))
      : [];
    const rcode = record ? RCODE.NOERROR : RCODE.NXDOMAIN;
    return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode, questions: [question], answers });
  };
  const serve = (host: string) => new Promise<void>((resolve) => {
    const v6 = isIPv6(host);
    const udp = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
    udp.on('message', (msg, rinfo) => {
      const reply = answer(msg, rinfo.address);
      if (reply) udp.send(reply, rinfo.port, rinfo.address);
    });
    const tcp = createServer((sock: Socket) => {
      let buffered = Buffer.alloc(0);
      sock.on('error', () => sock.destroy());
      sock.on('data', (d: Buffer) => {
        buffered = Buffer.concat([buffered, d]);
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
          buffered = buffered.subarray(2 + message.length);
          const reply = answer(message, sock.remoteAddress ?? '');
          if (!reply) return sock.destroy();
          const length = Buffer.alloc(2);
          length.writeUInt16BE(reply.length);
          sock.write(Buffer.concat([length, reply]));
        }
      });
    });
    udp.bind(port, host, () => tcp.listen({ port, host, ipv6Only: v6 }, resolve));
  });
  void Promise.all((host ? [host] : ['0.0.0.0', '::']).map(serve)).then(() => say({ ready: true }));
}

/** One DNS query over UDP (or TCP); undefined when nothing answers within `timeoutMs`. */
function queryDns(server: string, name: string, type: 'A' | 'AAAA', timeoutMs: number, overTcp = false): Promise<DnsAnswer | undefined> {
  const { host, port } = hostPort(server, 53);
  const id = Math.floor(Math.random() * 65536);
  const query = { type: 'query' as const, id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] };
  const decoded = (r: dnsPacket.DecodedPacket): DnsAnswer => ({
    rcode: (r as unknown as { rcode: string }).rcode,
    answers: (r.answers ?? []).map((a) => ({ type: a.type, name: a.name, ttl: (a as { ttl?: number }).ttl ?? 0, data: (a as { data?: unknown }).data })),
  });
  return new Promise((resolve) => {
    const done = (r: DnsAnswer | undefined) => { clearTimeout(timer); cleanup(); resolve(r); };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    let cleanup = () => {};
    if (overTcp) {
      const sock = connect({ host, port });
      cleanup = () => sock.destroy();
      let buffered = Buffer.alloc(0);
      sock.on('connect', () => sock.write(dnsPacket.streamEncode(query)));
      sock.on('data', (d: Buffer) => {
        buffered = Buffer.concat([buffered, d]);
        if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
        try {
          done(decoded(dnsPacket.decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0)))));
        } catch {
          done(undefined);
        }
      });
      sock.on('error', () => done(undefined));
      return;
    }
    const s = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    cleanup = () => s.close();
    s.on('error', () => done(undefined));
    s.on('message', (msg) => {
      try {
        const r = dnsPacket.decode(msg);
        if (r.id === id) done(decoded(r));
      } catch { /* not an answer to us: keep waiting */ }
    });
    s.send(dnsPacket.encode(query), port, host);
  });
}

/** One query; prints `{rcode, answers}`, or `{error: "timeout"}` and exits 1. */
async function dnsQuery(server: string, name: string, type: string, timeoutMs: number, proto: string): Promise<void> {
  const r = await queryDns(server, name, type === 'AAAA' ? 'AAAA' : 'A', timeoutMs, proto === 'tcp');
  if (!r) {
    say({ error: 'timeout' });
    process.exit(1);
  }
  say(r);
  process.exit(0);
}

/**
 * Starts a TCP connection attempt every `intervalMs` (each given up after 3 s) and prints
 * the time the first one connected, with its local address; exits 1 after `timeoutMs`. Many
 * attempts in flight, so the moment a path opens is seen within one interval, not after a
 * SYN retransmission.
 */
function firstConnection(host: string, port: number, intervalMs: number, timeoutMs: number): void {
  let attempts = 0;
  const attempt = () => {
    attempts += 1;
    const sock = connect({ host, port });
    const giveUp = setTimeout(() => sock.destroy(), 3000);
    sock.on('connect', () => {
      say({ connected: Date.now(), attempts, local: sock.localAddress });
      process.exit(0);
    });
    sock.on('error', () => clearTimeout(giveUp));
  };
  attempt();
  setInterval(attempt, intervalMs);
  setTimeout(() => { say({ error: 'timeout', attempts }); process.exit(1); }, timeoutMs);
}

/**
 * Follows a name to a new address: every `intervalMs` asks `server` for NAME (A, or AAAA for
 * an IPv6 ADDRESS) and, once ADDRESS is among the answers, tries ADDRESS:PORT; prints when
 * it was first answered and when a connection first got through; exits 1 after `timeoutMs`.
 */
async function dnsFollow(server: string, name: string, address: string, port: number, intervalMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let answered = 0;
  while (Date.now() < deadline) {
    const r = await queryDns(server, name, isIPv6(address) ? 'AAAA' : 'A', 1000);
    if (r?.answers.some((a) => a.data === address)) {
      answered ||= Date.now();
      const ok = await new Promise<boolean>((resolve) => {
        const sock = connect({ host: address, port, timeout: 1000 });
        sock.on('connect', () => { sock.destroy(); resolve(true); });
        sock.on('timeout', () => { sock.destroy(); resolve(false); });
        sock.on('error', () => resolve(false));
      });
      if (ok) {
        say({ answered, connected: Date.now() });
        process.exit(0);
      }
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  say({ error: 'timeout', answered });
  process.exit(1);
}

const num = (s: string | undefined) => Number(s);
switch (program) {
  case 'tcp-echo': tcpEcho(num(args[0]), args[1]); break;
  case 'tcp-push': tcpPush(num(args[0]), args[1]); break;
  case 'udp-echo': udpEcho(num(args[0]), args[1]); break;
  case 'http': http(num(args[0]), args[1] ?? 'ok', args[2]); break;
  case 'probe-tcp': probeTcp(args[0], num(args[1]), num(args[2]), args[3]); break;
  case 'probe-udp': probeUdp(args[0], num(args[1]), num(args[2]), args[3] ?? 'probe', args[4]); break;
  case 'stream': stream(args[0], num(args[1]), num(args[2])); break;
  case 'http-echo': httpEcho(num(args[0]), args[1]); break;
  case 'dns-server': dnsServer(num(args[0]), args[1]!, args[2]); break;
  case 'dns-query': await dnsQuery(args[0]!, args[1]!, args[2] ?? 'A', num(args[3] ?? 2000), args[4] ?? 'udp'); break;
  case 'first-connection': firstConnection(args[0]!, num(args[1]), num(args[2]), num(args[3])); break;
  case 'dns-follow': await dnsFollow(args[0]!, args[1]!, args[2]!, num(args[3]), num(args[4]), num(args[5])); break;
  case 'http-request': oneRequest(args[0], args[1] ?? 'GET', args[2] ?? '{}', args[3]); break;
  case 'ws-client': wsClient(args[0], args[1], num(args[2])); break;
  default:
    process.stderr.write(`unknown program ${program}\n`);
    process.exit(64);
}
