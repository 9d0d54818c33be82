// Bounded admission for inference: at most `concurrency` jobs run, at most `maxQueued` wait; beyond that, QUEUE_FULL.
// A waiting job whose signal aborts leaves the queue at once (DEADLINE_EXCEEDED or REQUEST_CANCELLED).
import { abortError, throwIfAborted } from '../domain/abort.js';
import { SamError } from '../domain/errors.js';

export { abortError, throwIfAborted };

export class InferenceQueue {
  private running = 0;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueued: number,
  ) {}

  get depth(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  /**
   * Runs `work` in a slot. `continuing` work (the next frame of a video already under way) waits even when the
   * queue is full: a long job is admitted once, not refused halfway.
   */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal, continuing = false): Promise<T> {
    throwIfAborted(signal, 'waiting for the inference queue');
    if (this.running >= this.concurrency) {
      if (!continuing && this.waiting.length >= this.maxQueued) {
        throw new SamError(
          'QUEUE_FULL',
          `The inference queue is full (${this.running} running, ${this.waiting.length} waiting); retry later`,
          { limit: this.maxQueued },
        );
      }
      await new Promise<void>((resolve, reject) => {
        const entry = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(abortError(signal!, 'waiting for the inference queue'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(entry);
      });
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running--;
    }
  }
}
