// FileStore on a local directory: atomic writes (temp file + rename), keys mapped to paths below the root only.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertSafeKey, type FileStore } from '../file-store.js';

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
    const temp = `${target}.${randomBytes(6).toString('hex')}.partial`;
    await write(temp);
    await rename(temp, target);
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
