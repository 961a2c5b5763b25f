// DNS on the wire, the parts the gateway's DNS service and the client's forwarder share:
// response codes (RFC 1035 4.1.1) and the two-byte length framing of DNS over TCP (RFC 1035
// 4.2.2, RFC 7766). dns-packet encodes and decodes the messages themselves. Pure.

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
