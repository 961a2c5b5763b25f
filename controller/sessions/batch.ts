// Group commit for Connect: requests that arrive within one turn of the event loop are
// handled together, so one store transaction and one delta per gateway carry all of them
// instead of one commit and one gateway apply per session. The wait is a single
// setImmediate: the batch closes as soon as the I/O that delivered its requests is handled.
// The next batch may open while the previous one's transaction is still in flight: `flush`
// answers its items asynchronously and never rejects.

export class MicroBatch<T> {
  private items: T[] = [];
  private scheduled = false;

  /**
   * `flush` gets every item added since the previous flush, in arrival order; it must not
   * throw (it answers each item itself). `schedule` is injectable for tests.
   */
  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly schedule: (run: () => void) => void = (run) => { setImmediate(run); },
  ) {}

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      const items = this.items;
      this.items = [];
      this.scheduled = false;
      this.flush(items);
    });
  }
}
