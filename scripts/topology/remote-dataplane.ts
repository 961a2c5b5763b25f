// The parent side of dataplane-host.ts: a DataPlane whose real implementation runs in a
// child process inside a topology host's namespace (where its `wg`, `nft`, sysctl and
// conntrack calls land). The child can be killed like a crashed agent.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { ApplyResult, DataPlane, DataPlaneInfo, DeniedAttempt, DesiredSession, WireGuardDataPlaneOptions } from '../../gateway/dataplane/dataplane.js';
import type { Topology } from './topology.js';

const HOST = fileURLToPath(new URL('./dataplane-host.js', import.meta.url));

export class RemoteDataPlane implements DataPlane {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;
  readonly stderr: string[] = [];

  constructor(private readonly topo: Topology, role: string) {
    this.child = topo.spawn(role, process.execPath, [HOST]);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const reply = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) p?.resolve(reply.result);
      else p?.reject(new Error(reply.error));
    });
    this.child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString('utf8')));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`data plane host exited (${signal ?? code}): ${this.stderr.join('').slice(-500)}`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private request<T>(op: string, args: object = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error('data plane host is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(JSON.stringify({ id, op, ...args }) + '\n');
    });
  }

  start(options: WireGuardDataPlaneOptions): Promise<DataPlaneInfo> {
    return this.request('start', { options });
  }

  applySnapshot(version: number, sessions: DesiredSession[]): Promise<ApplyResult> {
    return this.request('snapshot', { version, sessions });
  }

  applyDelta(version: number, upserts: DesiredSession[], removes: string[]): Promise<ApplyResult> {
    return this.request('delta', { version, upserts, removes });
  }

  readDenied(): Promise<DeniedAttempt[]> {
    return this.request('denied');
  }

  /** Closes the data plane (its state stays in the kernel) and ends the host process. */
  async close(): Promise<void> {
    if (this.exited) return;
    await this.request('close');
    await this.end();
  }

  /** Removes the interface and table, then ends the host process. */
  async teardown(): Promise<void> {
    await this.request('teardown');
    await this.end();
  }

  /** Kills the host like a crashed agent (SIGKILL by default) and waits for it to go. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await gone;
  }

  private async end(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end();
    await gone;
    this.topo.forget(this.pid);
  }
}
