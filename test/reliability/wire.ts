// Raw gRPC for hostile-input tests: sends arbitrary bytes as the request of any Wicket
// method (unary, server-stream or bidirectional) over a real TLS channel, and classifies
// the answer. The point of sending bytes rather than objects is that the fuzzer can hand
// the server what a real client library never would: truncated, mangled or random frames.
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS } from '../../common/grpc.js';
import { wicketV1 } from '../../proto/load.js';

export type ServiceName = 'Auth' | 'Client' | 'Gateway' | 'Admin';

export interface MethodInfo {
  service: ServiceName;
  name: string;
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  /** Encodes a request object the way a normal client would (proto-loader's serializer). */
  encode(obj: unknown): Buffer;
}

/** Every method of a Wicket service, from the loaded proto (so a new RPC is fuzzed without edits here). */
export function methodsOf(service: ServiceName): MethodInfo[] {
  const def = wicketV1()[service].service as unknown as Record<string, grpc.MethodDefinition<unknown, unknown>>;
  return Object.entries(def).map(([name, m]) => ({
    service, name, path: m.path, requestStream: m.requestStream, responseStream: m.responseStream,
    encode: (obj) => m.requestSerialize(obj),
  }));
}

export interface Outcome {
  /** OK for a successful unary call or a stream that answered with data. */
  code: grpc.status;
  details: string;
  /** Messages the server sent back (streams). */
  received: number;
}

const identity = (b: Buffer) => b;

/**
 * Codes a hostile request may legitimately get. INTERNAL is allowed only for grpc-js's own
 * "Error deserializing request" (the bytes are not a protobuf message); an INTERNAL from a
 * handler means it threw something unexpected, and UNKNOWN means an exception escaped.
 */
const CLEAR = new Set<grpc.status>([
  grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED,
  grpc.status.NOT_FOUND, grpc.status.ALREADY_EXISTS, grpc.status.FAILED_PRECONDITION, grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.OUT_OF_RANGE, grpc.status.CANCELLED,
]);

/** Why an outcome is not a clear answer, or null when it is one. */
export function unclear(o: Outcome): string | null {
  if (CLEAR.has(o.code)) return o.code === grpc.status.OK || o.details.trim() !== '' ? null : `${grpc.status[o.code]} without a message`;
  if (o.code === grpc.status.INTERNAL && /^Error deserializing request/.test(o.details)) return null;
  return `${grpc.status[o.code]}: ${o.details}`;
}

/** A raw channel to one port; `creds` are TLS (auth port) or mutual TLS (API port). */
export class RawChannel {
  private readonly client: grpc.Client;

  constructor(target: string, creds: grpc.ChannelCredentials) {
    this.client = new grpc.Client(target, creds, CHANNEL_OPTIONS);
  }

  static mtls(target: string, c: { caPem: string; certPem: string; keyPem: string }): RawChannel {
    return new RawChannel(target, grpc.credentials.createSsl(Buffer.from(c.caPem), Buffer.from(c.keyPem), Buffer.from(c.certPem)));
  }

  static tls(target: string, caPem: string): RawChannel {
    return new RawChannel(target, grpc.credentials.createSsl(Buffer.from(caPem)));
  }

  /**
   * Sends `frames` as the request(s) of `m` and resolves with the outcome. A unary or
   * server-stream method takes the first frame; a stream that stays open after answering
   * is cancelled once it has said something (or after `settleMs`).
   */
  send(m: MethodInfo, frames: Buffer[], deadlineMs = 10_000, settleMs = 300): Promise<Outcome> {
    const md = new grpc.Metadata();
    const opts = { deadline: Date.now() + deadlineMs };
    return new Promise((resolve) => {
      if (!m.requestStream && !m.responseStream) {
        this.client.makeUnaryRequest(m.path, identity, identity, frames[0]!, md, opts, (err) =>
          resolve(err ? { code: err.code, details: err.details, received: 0 } : { code: grpc.status.OK, details: '', received: 1 }));
        return;
      }
      let received = 0;
      let done = false;
      const finish = (o: Outcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(o);
      };
      const duplex = m.requestStream ? this.client.makeBidiStreamRequest(m.path, identity, identity, md, opts) : undefined;
      const call: grpc.ClientReadableStream<Buffer> = duplex ?? this.client.makeServerStreamRequest(m.path, identity, identity, frames[0]!, md, opts);
      // An open stream that has neither answered nor failed by now has accepted the input.
      const timer = setTimeout(() => { call.cancel(); finish({ code: grpc.status.OK, details: 'open', received }); }, settleMs);
      call.on('data', () => {
        received += 1;
      });
      call.on('error', (err: grpc.ServiceError) => finish(err.code === grpc.status.CANCELLED && received > 0
        ? { code: grpc.status.OK, details: '', received } : { code: err.code, details: err.details, received }));
      call.on('status', (s: grpc.StatusObject) => finish({ code: s.code, details: s.details, received }));
      if (duplex) {
        for (const f of frames) duplex.write(f);
        duplex.end();
      }
    });
  }

  close(): void {
    this.client.close();
  }
}
