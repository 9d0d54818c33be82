// Reuses large buffers of the same size across requests: a fresh 12 MB buffer costs its page faults on first touch
// (several ms on virtual machines), a reused one is already mapped. Bounded by count per size and by total bytes.
type Backing = ArrayBuffer | SharedArrayBuffer;

export class BufferPool {
  private readonly free = new Map<string, Backing[]>();
  private bytes = 0;

  constructor(
    private readonly maxPerSize = 2,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  private static key(byteLength: number, shared: boolean): string {
    return `${shared ? 's' : 'a'}${byteLength}`;
  }

  /** A buffer of exactly `byteLength` bytes (contents unspecified): a released one, or a new one. */
  take(byteLength: number, shared: boolean): Backing {
    const list = this.free.get(BufferPool.key(byteLength, shared));
    const reused = list?.pop();
    if (reused) {
      this.bytes -= byteLength;
      return reused;
    }
    return shared ? new SharedArrayBuffer(byteLength) : new ArrayBuffer(byteLength);
  }

  /** Hands `buffer` back for reuse; the caller must not touch it afterwards. Dropped when the pool is full. */
  give(buffer: Backing): void {
    const key = BufferPool.key(buffer.byteLength, buffer instanceof SharedArrayBuffer);
    const list = this.free.get(key) ?? [];
    if (list.length >= this.maxPerSize || this.bytes + buffer.byteLength > this.maxBytes) return;
    list.push(buffer);
    this.free.set(key, list);
    this.bytes += buffer.byteLength;
  }
}
