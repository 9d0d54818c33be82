// Bounded admission for inference: at most `concurrency` jobs run, at most `maxQueued` wait; beyond that, QUEUE_FULL.
import { SamError } from '../domain/errors.js';

export class InferenceQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  get depth(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) {
        throw new SamError('QUEUE_FULL', `The inference queue is full (${this.running} running, ${this.waiting.length} waiting); retry later`, { limit: this.maxQueued });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
