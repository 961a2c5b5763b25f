// Small network programs run inside a namespace by the traffic helpers (traffic.ts), as
// `node netprog.js <program> ...`: echo, push and HTTP servers, TCP/UDP probes, a UDP sender with
// a chosen source address, a long-lived TCP stream that reports every echo it gets, and for
// the identity-aware proxy an upstream that echoes requests (and websocket messages), one
// HTTP request, and a websocket client that reports every echo and the close.
// Servers print one JSON line `{"ready":true}` when listening; events are JSON lines too.
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { WebSocket, WebSocketServer } from 'ws';

const [program, ...args] = process.argv.slice(2);
const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

function tcpEcho(port: number): void {
  createServer((sock) => {
    say({ accepted: sock.remoteAddress });
    sock.on('error', () => sock.destroy());
    sock.pipe(sock);
  }).listen(port, '0.0.0.0', () => say({ ready: true }));
}

/** Writes a numbered line to each connection every 5 ms, whatever it receives. */
function tcpPush(port: number): void {
  createServer((sock) => {
    say({ accepted: sock.remoteAddress });
    let seq = 0;
    const timer = setInterval(() => sock.write(`${seq++}\n`), 5);
    sock.on('error', () => sock.destroy());
    sock.on('close', () => clearInterval(timer));
  }).listen(port, '0.0.0.0', () => say({ ready: true }));
}

function udpEcho(port: number): void {
  const s = createSocket('udp4');
  s.on('message', (msg, rinfo) => {
    say({ from: rinfo.address, data: msg.toString('utf8') });
    s.send(msg, rinfo.port, rinfo.address);
  });
  s.bind(port, '0.0.0.0', () => say({ ready: true }));
}

function http(port: number, body: string): void {
  createHttpServer((_req, res) => res.end(body)).listen(port, '0.0.0.0', () => say({ ready: true }));
}

function probeTcp(host: string, port: number, timeoutMs: number, bind?: string): void {
  const sock = connect({ host, port, localAddress: bind, timeout: timeoutMs });
  sock.on('connect', () => { sock.destroy(); process.exit(0); });
  sock.on('timeout', () => process.exit(1));
  sock.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'ECONNREFUSED' ? 3 : 2));
}

function probeUdp(host: string, port: number, timeoutMs: number, message: string, bind?: string): void {
  const s = createSocket('udp4');
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
function httpEcho(port: number): void {
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
  server.listen(port, '0.0.0.0', () => say({ ready: true }));
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

const num = (s: string | undefined) => Number(s);
switch (program) {
  case 'tcp-echo': tcpEcho(num(args[0])); break;
  case 'tcp-push': tcpPush(num(args[0])); break;
  case 'udp-echo': udpEcho(num(args[0])); break;
  case 'http': http(num(args[0]), args[1] ?? 'ok'); break;
  case 'probe-tcp': probeTcp(args[0], num(args[1]), num(args[2]), args[3]); break;
  case 'probe-udp': probeUdp(args[0], num(args[1]), num(args[2]), args[3] ?? 'probe', args[4]); break;
  case 'stream': stream(args[0], num(args[1]), num(args[2])); break;
  case 'http-echo': httpEcho(num(args[0])); break;
  case 'http-request': oneRequest(args[0], args[1] ?? 'GET', args[2] ?? '{}', args[3]); break;
  case 'ws-client': wsClient(args[0], args[1], num(args[2])); break;
  default:
    process.stderr.write(`unknown program ${program}\n`);
    process.exit(64);
}
