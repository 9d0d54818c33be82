// The real embedded job system (SQLite, files, uploads, scheduler) in a temp dir, around any engine, for HTTP tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { SegmentationEngine } from '../../src/engine/engine.js';
import type { JobDeps } from '../../src/http/app.js';
import { UrlSigner } from '../../src/http/signed-urls.js';
import { DirFileStore } from '../../src/jobs/embedded/dir-file-store.js';
import { EmbeddedJobQueue } from '../../src/jobs/embedded/embedded-job-queue.js';
import { SqliteJobStore } from '../../src/jobs/embedded/sqlite-job-store.js';
import { SqliteUploadStore } from '../../src/jobs/embedded/sqlite-upload-store.js';
import { imageJobProcessor } from '../../src/jobs/run-image-job.js';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

export const TEST_WEBHOOK_SECRET = 'whsec_test-secret';

export function jobDeps(
  engine: SegmentationEngine,
  overrides: Partial<JobDeps> = {},
): JobDeps & { store: SqliteJobStore } {
  const dir = mkdtempSync(join(tmpdir(), 'sam3-http-jobs-'));
  const store = new SqliteJobStore(join(dir, 'jobs.db'));
  const files = new DirFileStore(join(dir, 'files'));
  const uploads = new SqliteUploadStore(store.db, files, 3_600_000);
  const queue = new EmbeddedJobQueue({
    store,
    files,
    processors: { image: imageJobProcessor(engine) },
    retentionMs: 3_600_000,
    busyRetryMs: 10,
  });
  queue.start();
  open.push(async () => {
    await queue.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    queue,
    uploads,
    files,
    signer: new UrlSigner('test-link-secret'),
    publicUrl: '',
    syncTimeoutMs: 5_000,
    maxUploadBytes: 64 * 1024,
    webhookSecret: () => TEST_WEBHOOK_SECRET,
    store,
    ...overrides,
  };
}

/** Replaces ids, times and link tokens (random or clock-dependent) so records can be compared with goldens. */
export function normalizeRecord(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/[0-9a-f]{32}/g, '<id>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
      .replace(/expires=\d+&token=[A-Za-z0-9_-]+/g, 'expires=<s>&token=<token>')
      .replace(/"(inference|executionTime)":\d+(\.\d+)?/g, '"$1":"<ms>"'),
  );
}
