// DNS on the wire, the parts the gateway's DNS service and the client's forwarder share:
// response codes (RFC 1035 4.1.1) and the two-byte length framing of DNS over TCP (RFC 1035
// 4.2.2, RFC 7766), and serving it on a socket. dns-packet encodes and decodes the messages.
import type { Socket } from 'node:net';

/** Response codes used by Wicket's DNS endpoints. */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** A message with the two-byte length in front, as DNS over TCP sends it. */
export function tcpFrame(message: Buffer): Buffer {
  const frame = Buffer.alloc(2 + message.length);
  frame.writeUInt16BE(message.length, 0);
  message.copy(frame, 2);
  return frame;
}

/**
 * Cuts a TCP byte stream into DNS messages. `push` takes the next chunk and returns the
 * messages it completed. A frame announcing fewer than `minBytes` (a DNS header is 12) or more
 * than `maxBytes` throws: the caller closes the connection rather than buffer for a peer that
 * does not speak DNS.
 */
export class TcpFrames {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly minBytes = 12, private readonly maxBytes = 65_535) {}

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (length < this.minBytes || length > this.maxBytes) throw new Error(`a DNS message of ${length} bytes is out of bounds`);
      if (this.buffered.length < 2 + length) break;
      out.push(this.buffered.subarray(2, 2 + length));
      this.buffered = this.buffered.subarray(2 + length);
    }
    return out;
  }
}

/**
 * Serves DNS over one TCP connection: each complete message goes to `onMessage`, whose reply
 * (when there is one) goes back framed. A frame out of bounds, `onMessage` answering 'close'
 * (the peer asks too much at once) or `idleMs` without data closes the connection; a reply
 * that fails goes to `onError` and the connection stays.
 */
export function serveTcpFrames(socket: Socket, frames: TcpFrames, idleMs: number,
  onMessage: (message: Buffer) => Promise<Buffer | undefined> | 'close', onError: (err: Error) => void = () => undefined): void {
  socket.setTimeout(idleMs, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    let messages: Buffer[];
    try {
      messages = frames.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const message of messages) {
      const reply = onMessage(message);
      if (reply === 'close') {
        socket.destroy();
        return;
      }
      reply.then((r) => { if (r && !socket.destroyed) socket.write(tcpFrame(r)); }, onError);
    }
  });
}
