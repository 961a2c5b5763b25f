// Flow records from ONE long-lived `conntrack -E` process (events with timestamps and entry
// ids), parsed line by line into a FlowTracker; closing TCP flows are completed from one
// `conntrack -L` of TIME_WAIT entries per report interval (see conntrack-events.ts). Turns
// on conntrack accounting in this network namespace, without which there are no byte counts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { FlowRecord__Output as FlowRecord } from '../../proto/generated/wicket/v1/FlowRecord.js';
import type { Logger } from '../../common/log.js';
import { runTool } from '../../common/exec.js';
import { FlowTracker, parseConntrackLine } from './conntrack-events.js';

const ACCT = '/proc/sys/net/netfilter/nf_conntrack_acct';
const RESTART_DELAY_MS = 1000;

/** Turns per-connection byte/packet accounting on (per network namespace). */
export async function enableConntrackAccounting(path = ACCT): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')).trim() === '1') return;
    await writeFile(path, '1\n');
  } catch (e) {
    throw new Error(`cannot enable conntrack accounting (${path}): ${(e as Error).message}; flow records need it (run as root)`);
  }
}

export interface FlowWatcherOptions {
  sessionOf: (overlay: string) => string | undefined;
  onFlow: (flow: FlowRecord) => void;
  /** Flows the tracker could not follow (over capacity). */
  onOverflow: (n: number) => void;
  log: Logger;
  capacity?: number;
}

export class FlowWatcher {
  private readonly tracker: FlowTracker;
  private child: ChildProcess | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: FlowWatcherOptions) {
    this.tracker = new FlowTracker(opts.sessionOf, opts.capacity);
  }

  async start(): Promise<void> {
    await enableConntrackAccounting();
    this.spawn();
  }

  private spawn(): void {
    const child = spawn('conntrack', ['-E', '-e', 'NEW,UPDATE,DESTROY', '-o', 'timestamp,id'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = parseConntrackLine(line);
      if (!parsed) return;
      const before = this.tracker.overflow;
      const flow = this.tracker.onEvent(parsed);
      if (this.tracker.overflow !== before) this.opts.onOverflow(this.tracker.overflow - before);
      if (flow) this.opts.onFlow(flow);
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    child.on('error', (err) => this.opts.log.error({ err: err.message }, 'cannot run conntrack -E: no flow records'));
    child.on('exit', (code, signal) => {
      if (this.stopped) return;
      // Events during the gap are lost; flows that started before are still recorded at DESTROY.
      this.opts.log.warn({ code, signal, stderr: stderr.trim() }, 'conntrack -E exited; restarting');
      this.restartTimer = setTimeout(() => this.spawn(), RESTART_DELAY_MS);
    });
  }

  /** Completes closed TCP flows still waiting in TIME_WAIT (one `conntrack -L` when there are any). */
  async collectClosing(): Promise<void> {
    if (!this.tracker.hasClosing()) return;
    const text = await runTool('conntrack', ['-L', '-p', 'tcp', '--state', 'TIME_WAIT', '-o', 'id']);
    const entries = text.split('\n').map(parseConntrackLine).filter((e) => e !== undefined);
    for (const flow of this.tracker.completeFromListing(entries)) this.opts.onFlow(flow);
  }

  get following(): number {
    return this.tracker.size;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGTERM');
  }
}
