// FileStore on a local directory: atomic writes (temp file + rename), keys mapped to paths below the root only.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { storageFullError } from '../../domain/errors.js';
import { assertSafeKey, type FileStore } from '../file-store.js';

/** Temporary files are named `<target>.<random>.partial` until renamed into place. */
const PARTIAL_SUFFIX = '.partial';

export class DirFileStore implements FileStore {
  constructor(readonly root: string) {}

  private path(key: string): string {
    assertSafeKey(key);
    return join(this.root, ...key.split('/'));
  }

  /** Writes through a temporary file renamed into place, so readers see all of the bytes or none. */
  private async writeAtomically(key: string, write: (temp: string) => Promise<void>): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`;
    try {
      await write(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw storageFullError(error) ?? error;
    }
  }

  /**
   * Removes temporary files older than `olderThanMs` (left by a write cut short: a crash, a kill, a full disk), at
   * start and on a timer. Returns how many were removed. Young ones may belong to a write under way on another node.
   */
  async sweepPartials(olderThanMs: number, nowMs = Date.now()): Promise<number> {
    let removed = 0;
    let entries: string[];
    try {
      entries = await readdir(this.root, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.endsWith(PARTIAL_SUFFIX)) continue;
      const path = join(this.root, entry);
      try {
        const s = await stat(path);
        if (s.isFile() && nowMs - s.mtimeMs >= olderThanMs) {
          await rm(path, { force: true });
          removed++;
        }
      } catch {
        // Renamed or removed meanwhile.
      }
    }
    return removed;
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.writeAtomically(key, (temp) => writeFile(temp, bytes));
  }

  putFile(key: string, path: string): Promise<void> {
    return this.writeAtomically(key, (temp) => copyFile(path, temp));
  }

  async localPath(key: string): Promise<string | undefined> {
    return (await this.size(key)) === undefined ? undefined : this.path(key);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? s.size : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(keyOrPrefix: string): Promise<void> {
    await rm(this.path(keyOrPrefix), { recursive: true, force: true });
  }
}
