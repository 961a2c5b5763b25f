// Pure: parsing conntrack's event and listing lines, and turning the NEW / UPDATE / DESTROY
// events of forwarded tunnel connections into flow records (session, destination, protocol,
// port, start, end, bytes each way). Only DESTROY events and listings carry accounting, and a
// closed TCP connection lingers in TIME_WAIT for minutes before its DESTROY; so a flow seen
// entering TIME_WAIT is "closing" and is completed from one listing of TIME_WAIT entries
// (read by the caller once per report interval), or by its DESTROY, whichever comes first.
import type { FlowRecord__Output as FlowRecord } from '../../proto/generated/wicket/v1/FlowRecord.js';

export type ConntrackEvent = 'NEW' | 'UPDATE' | 'DESTROY';

/** One direction of a conntrack entry (counters are present only with accounting on). */
export interface Tuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  packets: number;
  bytes: number;
}

export interface ConntrackLine {
  /** Absent for listing lines (`conntrack -L`). */
  event?: ConntrackEvent;
  /** Event time from `-o timestamp` (ms), absent for listings. */
  atMs?: number;
  protocol: string;
  /** TCP state (SYN_SENT, ESTABLISHED, TIME_WAIT, ...), '' for other protocols. */
  state: string;
  orig: Tuple;
  reply: Tuple;
  /** The conntrack entry id (`-o id`). */
  id: string;
}

const EVENT = /^\s*(?:\[(\d+(?:\.\d+)?)\]\s+)?(?:\[(NEW|UPDATE|DESTROY)\]\s+)?(\S+)\s+\d+\s+(.*)$/;

function tuple(fields: Map<string, string>[], i: number): Tuple {
  const f = fields[i] ?? new Map<string, string>();
  const num = (k: string) => Number(f.get(k) ?? 0);
  return { src: f.get('src') ?? '', dst: f.get('dst') ?? '', sport: num('sport'), dport: num('dport'), packets: num('packets'), bytes: num('bytes') };
}

/**
 * Parses one line of `conntrack -E -o timestamp,id` or `conntrack -L -o id`; returns
 * undefined for lines that are not entries (the summary line, blank lines, garbage).
 */
export function parseConntrackLine(line: string): ConntrackLine | undefined {
  const m = EVENT.exec(line);
  if (!m) return undefined;
  const [, ts, event, protocol, rest] = m;
  const words = rest.split(/\s+/).filter((w) => w.length > 0);
  // key=value words; each "src=" opens a direction (original first, then reply).
  const dirs: Map<string, string>[] = [];
  let state = '';
  let id = '';
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq < 0) {
      if (/^[A-Z_]+$/.test(w) && dirs.length === 0) state = w;
      continue;
    }
    const key = w.slice(0, eq);
    const value = w.slice(eq + 1);
    if (key === 'src') dirs.push(new Map());
    if (key === 'id') id = value;
    else if (dirs.length > 0 && dirs.length <= 2) dirs[dirs.length - 1].set(key, value);
  }
  if (dirs.length < 2 || id === '') return undefined;
  return {
    event: event as ConntrackEvent | undefined,
    atMs: ts === undefined ? undefined : Math.round(Number(ts) * 1000),
    protocol, state, orig: tuple(dirs, 0), reply: tuple(dirs, 1), id,
  };
}

interface OpenFlow {
  sessionId: string;
  orig: Tuple;
  protocol: string;
  startedAtMs: number;
  closingAtMs?: number;
}

/** TCP states after which no more payload flows: the flow's end. */
const CLOSING_STATES = new Set(['TIME_WAIT', 'CLOSE']);

/**
 * Follows flows from their NEW event to their end. `sessionOf` names the session holding an
 * overlay address (undefined for anything else: the gateway's own connections, WireGuard's
 * UDP, spoofed sources), looked up when the flow starts so that a flow of a session removed
 * meanwhile keeps its attribution. At most `capacity` flows are followed; NEW events beyond
 * it are counted in `overflow`.
 */
export class FlowTracker {
  private readonly open = new Map<string, OpenFlow>();
  overflow = 0;

  constructor(private readonly sessionOf: (overlay: string) => string | undefined, private readonly capacity = 65_536) {}

  get size(): number {
    return this.open.size;
  }

  /** Feeds one event; returns the flow record it completes, if any. */
  onEvent(e: ConntrackLine): FlowRecord | undefined {
    const at = e.atMs ?? 0;
    if (e.event === 'NEW') {
      const sessionId = this.sessionOf(e.orig.src);
      if (sessionId === undefined) return undefined;
      if (this.open.size >= this.capacity) {
        this.overflow += 1;
        return undefined;
      }
      this.open.set(e.id, { sessionId, orig: e.orig, protocol: e.protocol, startedAtMs: at });
      return undefined;
    }
    const flow = this.open.get(e.id);
    if (e.event === 'UPDATE') {
      if (flow && flow.closingAtMs === undefined && CLOSING_STATES.has(e.state)) flow.closingAtMs = at;
      return undefined;
    }
    if (e.event !== 'DESTROY') return undefined;
    if (flow) {
      this.open.delete(e.id);
      return record(flow, e, flow.closingAtMs ?? at);
    }
    // A flow that started before the agent: attributed now, start unknown (0).
    const sessionId = this.sessionOf(e.orig.src);
    return sessionId === undefined ? undefined : record({ sessionId, orig: e.orig, protocol: e.protocol, startedAtMs: 0 }, e, at);
  }

  /** True while some flow has closed but still waits for its counters. */
  hasClosing(): boolean {
    for (const f of this.open.values()) if (f.closingAtMs !== undefined) return true;
    return false;
  }

  /** Completes closing flows from a listing of entries (with counters); returns their records. */
  completeFromListing(entries: readonly ConntrackLine[]): FlowRecord[] {
    const out: FlowRecord[] = [];
    for (const e of entries) {
      const flow = this.open.get(e.id);
      if (!flow || flow.closingAtMs === undefined) continue;
      this.open.delete(e.id);
      out.push(record(flow, e, flow.closingAtMs));
    }
    return out;
  }
}

function record(flow: OpenFlow, counted: ConntrackLine, endedAtMs: number): FlowRecord {
  return {
    sessionId: flow.sessionId,
    source: flow.orig.src,
    destination: flow.orig.dst,
    protocol: flow.protocol,
    port: flow.orig.dport,
    startedAtMs: flow.startedAtMs,
    endedAtMs,
    bytesOut: counted.orig.bytes,
    bytesIn: counted.reply.bytes,
  };
}
