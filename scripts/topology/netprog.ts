// Small network programs run inside a namespace by the traffic helpers (traffic.ts), as
// `node netprog.js <program> ...`: echo, push and HTTP servers, TCP/UDP probes, a UDP sender with
// a chosen source address, and a long-lived TCP stream that reports every echo it gets.
// Servers print one JSON line `{"ready":true}` when listening; events are JSON lines too.
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';

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

const num = (s: string | undefined) => Number(s);
switch (program) {
  case 'tcp-echo': tcpEcho(num(args[0])); break;
  case 'tcp-push': tcpPush(num(args[0])); break;
  case 'udp-echo': udpEcho(num(args[0])); break;
  case 'http': http(num(args[0]), args[1] ?? 'ok'); break;
  case 'probe-tcp': probeTcp(args[0], num(args[1]), num(args[2]), args[3]); break;
  case 'probe-udp': probeUdp(args[0], num(args[1]), num(args[2]), args[3] ?? 'probe', args[4]); break;
  case 'stream': stream(args[0], num(args[1]), num(args[2])); break;
  default:
    process.stderr.write(`unknown program ${program}\n`);
    process.exit(64);
}
