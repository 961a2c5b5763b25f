// A real DNS server in the test process (udp on loopback, dns-packet for the wire format) for
// unit tests of the resolver, the name table and the service: records can change while it
// runs, it can be made to fail (SERVFAIL), and it counts the questions it was asked.
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface FakeRecords {
  a?: string[];
  aaaa?: string[];
  ttl?: number;
}

export class DnsServerFake {
  /** Records by name (lower case, no trailing dot); absent names get NXDOMAIN. */
  readonly records = new Map<string, FakeRecords>();
  /** Every question asked, as "TYPE name". */
  readonly asked: string[] = [];
  /** Answer SERVFAIL to everything while set. */
  failing = false;
  private socket: Socket | undefined;

  async start(): Promise<string> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const q = dnsPacket.decode(msg);
      const question = q.questions![0];
      const name = question.name.toLowerCase();
      this.asked.push(`${question.type} ${name}`);
      const r = this.records.get(name);
      const data = question.type === 'A' ? r?.a ?? [] : question.type === 'AAAA' ? r?.aaaa ?? [] : [];
      const rcode = this.failing ? 2 : r ? 0 : 3;
      const answers = this.failing ? [] : data.map((d) => ({ name: question.name, type: question.type as 'A' | 'AAAA', class: 'IN' as const, ttl: r?.ttl ?? 60, data: d }));
      socket.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | rcode, questions: q.questions, answers }), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.socket = socket;
    return `127.0.0.1:${socket.address().port}`;
  }

  close(): void {
    this.socket?.close();
  }
}
