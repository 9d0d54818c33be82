import { describe, expect, it } from 'vitest';
import { InferenceQueue } from './inference-queue.js';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('InferenceQueue', () => {
  it('runs up to `concurrency`, queues up to `maxQueued`, then refuses with QUEUE_FULL', async () => {
    const queue = new InferenceQueue(1, 1);
    const g = gate();
    const first = queue.run(() => g.opened.then(() => 1));
    const second = queue.run(async () => 2);
    await expect(queue.run(async () => 3)).rejects.toMatchObject({ code: 'QUEUE_FULL', details: { limit: 1 } });
    expect(queue.depth).toEqual({ running: 1, queued: 1 });
    g.open();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(queue.depth).toEqual({ running: 0, queued: 0 });
  });

  it('drops a waiting job when its signal aborts: a timeout is DEADLINE_EXCEEDED, anything else REQUEST_CANCELLED', async () => {
    const queue = new InferenceQueue(1, 4);
    const g = gate();
    const running = queue.run(() => g.opened);
    let ran = false;
    const timedOut = queue.run(async () => (ran = true), AbortSignal.timeout(20));
    const controller = new AbortController();
    const cancelled = queue.run(async () => (ran = true), controller.signal);
    controller.abort(new Error('client left'));
    await expect(cancelled).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
    await expect(timedOut).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(queue.depth).toEqual({ running: 1, queued: 0 });
    g.open();
    await running;
    expect(ran).toBe(false);
    expect(queue.depth).toEqual({ running: 0, queued: 0 });
  });

  it('refuses at once when the signal has already aborted', async () => {
    const queue = new InferenceQueue(1, 1);
    await expect(queue.run(async () => 1, AbortSignal.abort(new Error('gone')))).rejects.toMatchObject({
      code: 'REQUEST_CANCELLED',
    });
  });
});
