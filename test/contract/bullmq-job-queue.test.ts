// Runs the JobQueue contract against the Redis queue (BullMQ + Redis records) with a worker in the same process, when
// REDIS_URL is set (CI starts a real redis-server); each case gets a fresh key prefix.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { JobKind } from '../../src/domain/jobs.js';
import { DirFileStore } from '../../src/jobs/embedded/dir-file-store.js';
import { BullMqJobQueue } from '../../src/jobs/redis/bullmq-job-queue.js';
import { BullMqJobWorker } from '../../src/jobs/redis/bullmq-job-worker.js';
import { jobQueueContract } from './job-queue.contract.js';

const url = process.env.REDIS_URL;
if (!url) {
  console.warn(
    'REDIS_URL is not set: skipping the BullMQ JobQueue contract (CI sets it; start redis-server and export REDIS_URL=redis://127.0.0.1:6379 to run it)',
  );
  describe.skip('JobQueue contract: BullMQ (Redis) — REDIS_URL not set', () => it('needs Redis', () => undefined));
} else {
  jobQueueContract('BullMQ (Redis)', async (processors, options) => {
    const dir = mkdtempSync(join(tmpdir(), 'sam3-bullmq-'));
    const files = new DirFileStore(dir);
    const prefix = `sam3test-${randomUUID().slice(0, 8)}`;
    const kinds = Object.keys(processors) as JobKind[];
    const queue = new BullMqJobQueue({ url, prefix, files, kinds, retentionMs: 3_600_000 });
    const concurrency = Object.fromEntries(kinds.map((k) => [k, options.concurrency ?? 1]));
    const worker = new BullMqJobWorker({
      url,
      prefix,
      files,
      processors,
      concurrency,
      retentionMs: 3_600_000,
      busyRetryMs: 10,
    });
    return {
      queue,
      readFile: (key) => files.get(key),
      async dispose() {
        await worker.close(100);
        await queue.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}
