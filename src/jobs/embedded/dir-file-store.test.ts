// DirFileStore on a real directory: a write that fails (a full disk, simulated at the fs call, since no test can fill
// a real disk safely) leaves no temporary file and is STORAGE_FULL; abandoned temporary files are swept by age.
import { mkdtemp, readdir, rm, utimes, writeFile as realWriteFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const failNext = vi.hoisted(() => ({ code: undefined as string | undefined }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    writeFile: async (...args: Parameters<typeof fs.writeFile>) => {
      if (failNext.code) {
        await fs.writeFile(args[0], 'half'); // a disk fills part-way through a write
        const code = failNext.code;
        failNext.code = undefined;
        throw Object.assign(new Error(`${code}: no space left on device, write`), { code });
      }
      return fs.writeFile(...args);
    },
  };
});

const { DirFileStore } = await import('./dir-file-store.js');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sam3-files-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('DirFileStore', () => {
  it('a write cut short by a full disk is STORAGE_FULL and leaves no temporary file', async () => {
    const store = new DirFileStore(root);
    failNext.code = 'ENOSPC';
    await expect(store.put('jobs/j1/result.json', new Uint8Array(10))).rejects.toMatchObject({
      code: 'STORAGE_FULL',
      kind: 'insufficient_storage',
    });
    expect(await readdir(join(root, 'jobs', 'j1'))).toEqual([]);
    await store.put('jobs/j1/result.json', new Uint8Array(3));
    expect(await store.size('jobs/j1/result.json')).toBe(3);
  });

  it('sweeps temporary files older than the given age, keeping young ones and stored files', async () => {
    const store = new DirFileStore(root);
    await store.put('uploads/u1', new Uint8Array(4));
    await mkdir(join(root, 'jobs', 'j2'), { recursive: true });
    const old = join(root, 'jobs', 'j2', 'overlay.mp4.abcdef.partial');
    const young = join(root, 'jobs', 'j2', 'result.json.012345.partial');
    await realWriteFile(old, 'x');
    await realWriteFile(young, 'y');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    expect(await store.sweepPartials(3_600_000)).toBe(1);
    expect((await readdir(join(root, 'jobs', 'j2'))).sort()).toEqual(['result.json.012345.partial']);
    expect(await store.sweepPartials(0)).toBe(1);
    expect(await readdir(join(root, 'jobs', 'j2'))).toEqual([]);
    expect(await store.size('uploads/u1')).toBe(4);
    expect(await new DirFileStore(join(root, 'missing')).sweepPartials(0)).toBe(0);
  });
});
