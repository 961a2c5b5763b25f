// The open Sync and Report streams of each gateway, with the certificate serial each was
// opened with, so that retiring a certificate (re-enrollment) ends its streams at once:
// authorization runs when a stream opens, and a stream can outlive its certificate.
import { Counter, type Registry } from 'prom-client';

export type GatewayStreamKind = 'sync' | 'report';

interface OpenStream {
  serial: string;
  kind: GatewayStreamKind;
  /** Ends the stream with this message (PERMISSION_DENIED to the peer). */
  end: (message: string) => void;
}

export class GatewayStreams {
  private readonly open = new Map<string, Set<OpenStream>>();
  private readonly retired: Counter<'stream'>;

  constructor(registry: Registry) {
    this.retired = new Counter({
      name: 'wicket_gateway_streams_retired_total', help: 'Gateway streams ended because their certificate was retired, by stream (sync, report)',
      labelNames: ['stream'], registers: [registry],
    });
  }

  /** Registers an open stream; the returned function unregisters it (call it when the stream ends). */
  add(gateway: string, serial: string, kind: GatewayStreamKind, end: (message: string) => void): () => void {
    const entry: OpenStream = { serial, kind, end };
    const set = this.open.get(gateway) ?? this.open.set(gateway, new Set()).get(gateway)!;
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.open.get(gateway) === set) this.open.delete(gateway);
    };
  }

  /** Ends every stream of `gateway` not opened with `currentSerial` (undefined: every stream); returns how many. */
  retire(gateway: string, currentSerial: string | undefined, why: string): number {
    const set = this.open.get(gateway);
    if (!set) return 0;
    let n = 0;
    for (const s of [...set]) {
      if (s.serial === currentSerial) continue;
      set.delete(s);
      this.retired.inc({ stream: s.kind });
      n++;
      s.end(why);
    }
    if (set.size === 0) this.open.delete(gateway);
    return n;
  }
}
