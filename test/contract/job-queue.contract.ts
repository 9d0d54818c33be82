// The JobQueue contract, run against every implementation (embedded always; BullMQ when REDIS_URL is set): submit,
// get, list, cancel, waitForSettled and onSettled behave the same whatever stores and runs the jobs.
import { afterEach, describe, expect, it } from 'vitest';
import { SamError } from '../../src/domain/errors.js';
import type { JobKind, JobRecord } from '../../src/domain/jobs.js';
import type { JobProcessor } from '../../src/jobs/job-processor.js';
import type { JobQueue } from '../../src/jobs/job-queue.js';

export interface QueueUnderTest {
  queue: JobQueue;
  /** Reads a stored file back (inline media must become files). */
  readFile(key: string): Promise<Uint8Array | undefined>;
  dispose(): Promise<void>;
}

export type QueueFactory = (
  processors: Partial<Record<JobKind, JobProcessor>>,
  options: { concurrency?: number },
) => Promise<QueueUnderTest>;

/** A processor whose runs are released by the test: `gate.release(id, outcome)`. */
export function gatedProcessor() {
  const waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const started: string[] = [];
  const aborted: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const listeners: Array<() => void> = [];
  const processor: JobProcessor = (input, context) =>
    new Promise((resolve, reject) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      started.push(context.jobId);
      context.signal.addEventListener('abort', () => {
        aborted.push(context.jobId);
        running--;
        reject(context.signal.reason);
      });
      waiting.set(context.jobId, {
        resolve: (v) => {
          running--;
          resolve({ result: v, inferenceMs: 5 });
        },
        reject: (e) => {
          running--;
          reject(e);
        },
      });
      context.reportProgress(0.5);
      listeners.splice(0).forEach((l) => l());
      void input;
    });
  return {
    processor,
    started,
    aborted,
    get maxRunning() {
      return maxRunning;
    },
    async whenStarted(count: number): Promise<void> {
      while (started.length < count) await new Promise<void>((r) => listeners.push(r));
    },
    release(id: string, result: unknown = { ok: id }): void {
      waiting.get(id)!.resolve(result);
      waiting.delete(id);
    },
    fail(id: string, error: unknown): void {
      waiting.get(id)!.reject(error);
      waiting.delete(id);
    },
  };
}

const settle = (q: JobQueue, id: string): Promise<JobRecord> => q.waitForSettled(id, 10_000);

export function jobQueueContract(name: string, make: QueueFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    let current: QueueUnderTest | undefined;
    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });
    const open = async (processors: Partial<Record<JobKind, JobProcessor>>, options: { concurrency?: number } = {}) =>
      (current = await make(processors, options));

    it('runs a submitted job to completed, with its result, timings and one settled event', async () => {
      const gate = gatedProcessor();
      const { queue } = await open({ image: gate.processor });
      const settled: JobRecord[] = [];
      queue.onSettled((r) => settled.push(r));
      const submitted = await queue.submit({ kind: 'image', model: 'm', input: { n: 1 } });
      expect(submitted).toMatchObject({
        kind: 'image',
        model: 'm',
        status: 'created',
        input: { n: 1 },
        error: null,
        result: null,
      });
      await gate.whenStarted(1);
      const running = await queue.get(submitted.id);
      expect(running?.status).toBe('processing');
      gate.release(submitted.id, { answer: 42 });
      const done = await settle(queue, submitted.id);
      expect(done).toMatchObject({
        status: 'completed',
        result: { answer: 42 },
        progress: 1,
        attempts: 1,
        inferenceMs: 5,
      });
      expect(done.finishedAtMs).toBeGreaterThanOrEqual(done.createdAtMs);
      await new Promise((r) => setTimeout(r, 20));
      expect(settled.map((r) => [r.id, r.status])).toEqual([[submitted.id, 'completed']]);
    });

    it('stores inline media as files and hands the processor a file reference', async () => {
      let seen: unknown;
      const t = await open({ image: async (input) => ((seen = input), { result: {}, inferenceMs: 1 }) });
      const job = await t.queue.submit({
        kind: 'image',
        model: 'm',
        input: { other: true },
        media: { image: new Uint8Array([1, 2, 3]) },
      });
      await settle(t.queue, job.id);
      const ref = (seen as { image: { file: string } }).image;
      expect(seen).toMatchObject({ other: true, image: { file: expect.any(String) } });
      expect(Array.from((await t.readFile(ref.file))!)).toEqual([1, 2, 3]);
    });

    it('records a SamError as the failure, and hides the text of unexpected errors', async () => {
      const gate = gatedProcessor();
      const { queue } = await open({ image: gate.processor });
      const a = await queue.submit({ kind: 'image', model: 'm', input: {} });
      await gate.whenStarted(1);
      gate.fail(a.id, new SamError('IMAGE_DECODE_FAILED', 'Cannot decode image: not a PNG'));
      expect(await settle(queue, a.id)).toMatchObject({
        status: 'failed',
        error: { code: 'IMAGE_DECODE_FAILED', kind: 'unprocessable_media', message: 'Cannot decode image: not a PNG' },
      });
      const b = await queue.submit({ kind: 'image', model: 'm', input: {} });
      await gate.whenStarted(2);
      gate.fail(b.id, new TypeError('secret internals'));
      const failed = await settle(queue, b.id);
      expect(failed.error).toMatchObject({ code: 'INTERNAL', kind: 'internal' });
      expect(failed.error!.message).not.toContain('secret internals');
    });

    it('cancels waiting and running jobs, ignores a late result, and refuses finished or unknown ones', async () => {
      const gate = gatedProcessor();
      const { queue } = await open({ image: gate.processor }, { concurrency: 1 });
      const running = await queue.submit({ kind: 'image', model: 'm', input: {} });
      const waiting = await queue.submit({ kind: 'image', model: 'm', input: {} });
      await gate.whenStarted(1);
      expect((await queue.cancel(waiting.id)).status).toBe('cancelled');
      const cancelled = await queue.cancel(running.id);
      expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'JOB_CANCELLED' } });
      // The running job's abort reaches its processor asynchronously where the queue is remote (BullMQ's events).
      await expect.poll(() => gate.aborted).toContain(running.id);
      await expect(queue.cancel(running.id)).rejects.toMatchObject({ code: 'JOB_ALREADY_FINISHED' });
      await expect(queue.cancel('0'.repeat(32))).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
      await new Promise((r) => setTimeout(r, 50));
      expect(gate.started).not.toContain(waiting.id);
      expect((await queue.get(running.id))?.status).toBe('cancelled');
    });

    it('waitForSettled returns the current record at its timeout and the final one when it settles', async () => {
      const gate = gatedProcessor();
      const { queue } = await open({ image: gate.processor });
      const job = await queue.submit({ kind: 'image', model: 'm', input: {} });
      await gate.whenStarted(1);
      expect((await queue.waitForSettled(job.id, 30)).status).toBe('processing');
      const pending = queue.waitForSettled(job.id, 10_000);
      gate.release(job.id);
      expect((await pending).status).toBe('completed');
      await expect(queue.waitForSettled('f'.repeat(32), 10)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    });

    it('lists newest first with a total, and pages', async () => {
      const { queue } = await open({ image: async () => ({ result: {}, inferenceMs: 1 }) });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await queue.submit({ kind: 'image', model: `m${i}`, input: {} })).id);
      const first = await queue.list({ limit: 2, offset: 0 });
      expect(first.total).toBe(5);
      expect(first.items.map((r) => r.id)).toEqual([ids[4], ids[3]]);
      expect((await queue.list({ limit: 10, offset: 4 })).items.map((r) => r.id)).toEqual([ids[0]]);
    });

    it('never runs more jobs of a kind at once than its concurrency', async () => {
      const gate = gatedProcessor();
      const { queue } = await open({ image: gate.processor }, { concurrency: 2 });
      const jobs = await Promise.all(
        Array.from({ length: 5 }, () => queue.submit({ kind: 'image', model: 'm', input: {} })),
      );
      for (let done = 0; done < jobs.length; done++) {
        await gate.whenStarted(done + 1);
        gate.release(gate.started[done]!);
      }
      const final = await Promise.all(jobs.map((j) => settle(queue, j.id)));
      expect(final.every((r) => r.status === 'completed')).toBe(true);
      expect(gate.maxRunning).toBeLessThanOrEqual(2);
    });

    it('puts a job back in line while the engine is busy instead of failing it', async () => {
      let calls = 0;
      const { queue } = await open({
        image: async () => {
          calls++;
          if (calls < 3) throw new SamError('MODEL_NOT_READY', 'loading');
          return { result: { calls }, inferenceMs: 1 };
        },
      });
      const job = await queue.submit({ kind: 'image', model: 'm', input: {} });
      const done = await settle(queue, job.id);
      expect(done).toMatchObject({ status: 'completed', result: { calls: 3 }, attempts: 1 });
    });

    it('refuses a kind no processor handles, naming it', async () => {
      const { queue } = await open({ image: async () => ({ result: {}, inferenceMs: 1 }) });
      await expect(
        queue.submit({ kind: 'video', model: 'wavespeed-ai/sam3-video-rle', input: {} }),
      ).rejects.toMatchObject({ code: 'VIDEO_UNAVAILABLE' });
    });
  });
}
