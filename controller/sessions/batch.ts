// Group commit for Connect: requests that arrive within one turn of the event loop are
// handled together, so one store transaction and one delta per gateway carry all of them
// instead of one commit and one gateway apply per session. The wait is a single
// setImmediate: the batch closes as soon as the I/O that delivered its requests is handled.
// One batch is in flight at a time: requests that arrive while it is are the next batch,
// flushed as soon as it is done. On PostgreSQL writers take turns on one lock (store.ts),
// so batches started at once would each wait for it with a handful of requests, paying a
// transaction and a gateway apply each; waiting here instead lets them gather. `flush`
// answers its items itself and never rejects.

export class MicroBatch<T> {
  private items: T[] = [];
  private scheduled = false;
  private flushing = false;

  /**
   * `flush` gets every item added since the previous flush, in arrival order; it must not
   * reject (it answers each item itself). `schedule` is injectable for tests.
   */
  constructor(
    private readonly flush: (items: T[]) => Promise<void> | void,
    private readonly schedule: (run: () => void) => void = (run) => { setImmediate(run); },
  ) {}

  add(item: T): void {
    this.items.push(item);
    this.arm();
  }

  private arm(): void {
    if (this.scheduled || this.flushing || this.items.length === 0) return;
    this.scheduled = true;
    this.schedule(() => {
      const items = this.items;
      this.items = [];
      this.scheduled = false;
      this.flushing = true;
      void Promise.resolve()
        .then(() => this.flush(items))
        .finally(() => {
          this.flushing = false;
          this.arm();
        });
    });
  }
}
