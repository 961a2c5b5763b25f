// The ingest benchmark's gateway (bench/ingest.ts forks it): a process of its own, as a real
// gateway is, so that encoding and sending do not share the controller's thread and the
// benchmark measures what the controller's process does. Its orders and the gateway's
// certificate and key come over the IPC channel (never argv). For each run it builds and
// protobuf-encodes its batches before the parent starts the clock, then on "go" streams them
// through one `Gateway.Report` call with mutual TLS and reports when the last ack arrived.
import { apiClients } from '../common/grpc.js';
import { wicketV1 } from '../proto/load.js';
import type { TelemetryBatch } from '../proto/generated/wicket/v1/TelemetryBatch.js';
import type { ReportAck__Output } from '../proto/generated/wicket/v1/ReportAck.js';

/** What the parent tells the sender. */
export type SenderOrder =
  | { kind: 'init'; address: string; caPem: string; certPem: string; keyPem: string }
  /** Build and encode `batches` batches of `records` records from sequence number `firstSeq`, naming sessions s0 … s(sessions-1). */
  | { kind: 'prepare'; firstSeq: number; batches: number; records: number; sessions: number; now: number }
  /** Send the prepared batches on a new stream; answer "done" after the last ack. */
  | { kind: 'go' }
  /** Send the first `count` prepared batches again on a new stream; answer "resent" after their acks. */
  | { kind: 'resend'; count: number }
  | { kind: 'exit' };

/** What the sender answers. */
export type SenderReport =
  | { kind: 'ready' }
  /** Every prepared batch was acked; `flows` flow records were in them. */
  | { kind: 'done'; flows: number }
  | { kind: 'resent' }
  | { kind: 'failed'; message: string };

/**
 * One batch as a gateway cuts it: flows mostly, with peer figures, rule counters and denied
 * attempts. Record k of the run names session k modulo `sessions`, so a run's records spread
 * over every session. Flows end after those of the batch before, as a gateway reports what
 * ended since its last batch. Denied tuples are new in each run and repeat from batch to batch
 * with a count that grows by one, as a port being refused now and then does (below the probing
 * threshold: no revocation runs).
 */
function batch(seq: number, firstSeq: number, records: number, sessions: number, now: number): TelemetryBatch {
  const ended = now + seq * records;
  const attempts = seq - firstSeq + 1;
  const flows = [];
  const peers = [];
  const counters = [];
  const denied = [];
  for (let i = 0; i < records; i++) {
    const session = `s${(seq * records + i) % sessions}`;
    const kind = i % 10;
    if (kind === 0) peers.push({ sessionId: session, endpoint: `198.51.100.${i % 250}:51820`, lastHandshakeMs: now, rxBytes: i * 10, txBytes: i * 20 });
    else if (kind === 1) counters.push({ sessionId: session, destination: '10.0.1.10', protocol: 'tcp', portFrom: 80, portTo: 80, packets: seq * 10 + i, bytes: seq * 1000 + i });
    else if (kind === 2) denied.push({ sessionId: session, source: '100.64.0.2', destination: '10.0.2.10', protocol: 'tcp', port: 1000 + (i % 1000), count: attempts, firstSeenMs: now, lastSeenMs: now + attempts });
    else flows.push({ sessionId: session, source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port: 80, startedAtMs: now, endedAtMs: ended + i, bytesOut: 500 + i, bytesIn: 9000 + i });
  }
  return { seq, collectedAtMs: now, flows, peers, counters, denied, droppedRecords: 0 };
}

const report = wicketV1().Gateway.service.Report;
let clients: ReturnType<typeof apiClients> | undefined;
/** The encoded batches of the current run and their sequence numbers. */
let prepared: { seqs: number[]; bytes: Buffer[]; flows: number } = { seqs: [], bytes: [], flows: 0 };

const answer = (r: SenderReport) => process.send!(r);

/** Writes the first `count` prepared batches on a new Report stream; resolves once each is acked, in order. */
function stream(count: number): Promise<void> {
  const call = clients!.gateway.makeBidiStreamRequest<Buffer, ReportAck__Output>(report.path, (b) => b, report.responseDeserialize);
  return new Promise<void>((resolve, reject) => {
    let n = 0;
    call.on('data', (a: ReportAck__Output) => {
      if (a.seq !== prepared.seqs[n]) reject(new Error(`ack ${a.seq} out of order (expected ${prepared.seqs[n]})`));
      if (++n === count) {
        call.end();
        resolve();
      }
    });
    call.on('error', reject);
    for (const b of prepared.bytes.slice(0, count)) call.write(b);
  });
}

async function obey(order: SenderOrder): Promise<void> {
  switch (order.kind) {
    case 'init': {
      clients = apiClients(order.address, { caPem: order.caPem, certPem: order.certPem, keyPem: order.keyPem });
      // Connected (TCP and TLS) before any run starts the clock.
      await new Promise<void>((resolve, reject) => clients!.gateway.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())));
      answer({ kind: 'ready' });
      return;
    }
    case 'prepare':
      prepared = { seqs: [], bytes: [], flows: 0 };
      for (let seq = order.firstSeq; seq < order.firstSeq + order.batches; seq++) {
        const b = batch(seq, order.firstSeq, order.records, order.sessions, order.now);
        prepared.seqs.push(seq);
        prepared.bytes.push(report.requestSerialize(b));
        prepared.flows += b.flows!.length;
      }
      answer({ kind: 'ready' });
      return;
    case 'go':
      await stream(prepared.bytes.length);
      answer({ kind: 'done', flows: prepared.flows });
      return;
    case 'resend':
      await stream(order.count);
      answer({ kind: 'resent' });
      return;
    case 'exit':
      clients?.close();
      process.disconnect();
      return;
  }
}

process.on('message', (order: SenderOrder) => {
  obey(order).catch((err: unknown) => answer({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }));
});
// The sender must not outlive its parent.
process.on('disconnect', () => process.exit(0));
