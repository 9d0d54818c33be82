// Embedded-only behaviour beyond the contract: crash recovery within the attempt limit, guarded final writes,
// and the retention sweep of records and files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirFileStore } from './dir-file-store.js';
import { EmbeddedJobQueue } from './embedded-job-queue.js';
import { SqliteJobStore } from './sqlite-job-store.js';
import { SqliteUploadStore } from './sqlite-upload-store.js';
import { SamError } from '../../domain/errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'sam3-embedded-'));
  dirs.push(dir);
  return { db: join(dir, 'jobs.db'), files: new DirFileStore(join(dir, 'files')) };
}

const noop = async () => ({ result: { ran: true }, inferenceMs: 1 });

describe('EmbeddedJobQueue recovery', () => {
  it('re-runs jobs a crash left processing while attempts remain, and fails them with JOB_INTERRUPTED after', async () => {
    const { db, files } = fresh();
    // A "crashed" process: jobs claimed (processing) and never finished, one of them on its last attempt.
    const crashed = new SqliteJobStore(db);
    const insert = (id: string) =>
      crashed.insert({
        id,
        kind: 'image',
        model: 'm',
        input: {},
        createdAtMs: Date.now(),
        expiresAtMs: Date.now() + 60_000,
        baseUrl: null,
        webhook: null,
      });
    insert('a'.repeat(32));
    insert('b'.repeat(32));
    insert('c'.repeat(32));
    crashed.claim('image', Date.now());
    crashed.claim('image', Date.now());
    crashed.db.prepare(`UPDATE jobs SET attempts = 3 WHERE id = ?`).run('b'.repeat(32));
    crashed.close();

    const store = new SqliteJobStore(db);
    const queue = new EmbeddedJobQueue({
      store,
      files,
      processors: { image: noop },
      concurrency: { image: 2 },
      maxAttempts: 3,
      retentionMs: 60_000,
    });
    expect(queue.start()).toEqual({ requeued: 1, failed: 1 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((x) => queue.waitForSettled(x.repeat(32), 5_000)));
    expect(a).toMatchObject({ status: 'completed', attempts: 2, result: { ran: true } });
    expect(b).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'JOB_INTERRUPTED' } });
    expect(c).toMatchObject({ status: 'completed', attempts: 1 });
    await queue.close();
    store.close();
  });

  it('never overwrites a final record: a stale attempt cannot complete a job twice', () => {
    const { db } = fresh();
    const store = new SqliteJobStore(db);
    const id = 'd'.repeat(32);
    store.insert({
      id,
      kind: 'image',
      model: 'm',
      input: {},
      createdAtMs: 1,
      expiresAtMs: 10_000,
      baseUrl: null,
      webhook: null,
    });
    const claimed = store.claim('image', 1)!;
    expect(store.finish(id, claimed.attempts, { status: 'completed', result: { v: 1 }, inferenceMs: 1 }, 2, 1000)).toBe(
      true,
    );
    expect(store.finish(id, claimed.attempts, { status: 'completed', result: { v: 2 }, inferenceMs: 1 }, 3, 1000)).toBe(
      false,
    );
    expect(
      store.finish(
        id,
        claimed.attempts,
        { status: 'failed', error: { code: 'INTERNAL', kind: 'internal', message: 'x' } },
        3,
        1000,
      ),
    ).toBe(false);
    expect(store.get(id)).toMatchObject({ status: 'completed', result: { v: 1 } });
    store.close();
  });
});

describe('EmbeddedJobQueue retention', () => {
  it('deletes expired records with their files, and expired uploads', async () => {
    const { db, files } = fresh();
    let now = 1_000_000;
    const store = new SqliteJobStore(db);
    const uploads = new SqliteUploadStore(store.db, files, 1_000, () => now);
    const queue = new EmbeddedJobQueue({
      store,
      files,
      processors: { image: noop },
      retentionMs: 1_000,
      now: () => now,
      onSweep: () => uploads.sweep(),
    });
    queue.start();
    const job = await queue.submit({ kind: 'image', model: 'm', input: {}, media: { image: new Uint8Array([9]) } });
    await queue.waitForSettled(job.id, 5_000);
    const upload = await uploads.create({ filename: 'a.png', contentType: 'image/png', declaredBytes: 1 });
    await uploads.write(upload.id, new Uint8Array([7]));
    await queue.sweep();
    expect(await queue.get(job.id)).toBeDefined();
    now += 5_000;
    expect(await queue.get(job.id)).toBeUndefined();
    await queue.sweep();
    expect(store.get(job.id)).toBeUndefined();
    expect(await files.get(`jobs/${job.id}/input-image`)).toBeUndefined();
    expect(await uploads.get(upload.id)).toBeUndefined();
    expect(await files.get(`uploads/${upload.id}`)).toBeUndefined();
    await queue.close();
    store.close();
  });

  it('checks the declared size of an upload', async () => {
    const { db, files } = fresh();
    const store = new SqliteJobStore(db);
    const uploads = new SqliteUploadStore(store.db, files, 60_000);
    const upload = await uploads.create({ filename: 'a.png', contentType: 'image/png', declaredBytes: 3 });
    await expect(uploads.write(upload.id, new Uint8Array(2))).rejects.toMatchObject({ code: 'UPLOAD_SIZE_MISMATCH' });
    await expect(uploads.write('0'.repeat(32), new Uint8Array(3))).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    expect((await uploads.write(upload.id, new Uint8Array(3))).complete).toBe(true);
    store.close();
  });
});

describe('EmbeddedJobQueue busy engine', () => {
  it('fails a job with the busy reason once it has waited longer than maxBusyWaitMs (a model that never loads)', async () => {
    const { db, files } = fresh();
    const store = new SqliteJobStore(db);
    const refuse = async () => {
      throw new SamError('MODEL_NOT_READY', 'No model is loaded: the model sam3 is not installed');
    };
    const queue = new EmbeddedJobQueue({
      store,
      files,
      processors: { image: refuse },
      retentionMs: 60_000,
      busyRetryMs: 5,
      maxBusyWaitMs: 60,
    });
    queue.start();
    const job = await queue.submit({ kind: 'image', model: 'm', input: {} });
    expect(await queue.waitForSettled(job.id, 5_000)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'MODEL_NOT_READY', message: 'No model is loaded: the model sam3 is not installed' },
    });
    await queue.close();
    store.close();
  });
});
