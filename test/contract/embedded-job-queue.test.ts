// Runs the JobQueue contract against the embedded queue (SQLite in a temp dir + the in-process scheduler).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirFileStore } from '../../src/jobs/embedded/dir-file-store.js';
import { EmbeddedJobQueue } from '../../src/jobs/embedded/embedded-job-queue.js';
import { SqliteJobStore } from '../../src/jobs/embedded/sqlite-job-store.js';
import { jobQueueContract } from './job-queue.contract.js';

jobQueueContract('embedded (SQLite)', async (processors, options) => {
  const dir = mkdtempSync(join(tmpdir(), 'sam3-queue-'));
  const store = new SqliteJobStore(join(dir, 'jobs.db'));
  const files = new DirFileStore(join(dir, 'files'));
  const queue = new EmbeddedJobQueue({
    store,
    files,
    processors,
    concurrency: { image: options.concurrency ?? 1 },
    retentionMs: 3_600_000,
    busyRetryMs: 10,
  });
  queue.start();
  return {
    queue,
    readFile: (key) => files.get(key),
    async dispose() {
      await queue.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
