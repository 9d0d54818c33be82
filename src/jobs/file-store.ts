// The FileStore port: job inputs, uploads and outputs as bytes under slash-separated keys. The embedded
// implementation is a directory; a shared volume serves several nodes, and an object store can implement it later.
export interface FileStore {
  /** Writes atomically: readers see all of the bytes or none. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or undefined when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** The size in bytes, or undefined when the key does not exist. */
  size(key: string): Promise<number | undefined>;
  /** Stores a local file under `key` (copied; the caller keeps or removes its own file). For large outputs. */
  putFile(key: string, path: string): Promise<void>;
  /**
   * A local path to read the key's bytes from (videos go to ffmpeg by path), or undefined when it does not exist.
   * A directory store returns its own file; an object store would download to a temporary file.
   */
  localPath(key: string): Promise<string | undefined>;
  /** Removes the key, or every key under it when it names a prefix ("outputs/abc"); missing keys are fine. */
  remove(keyOrPrefix: string): Promise<void>;
}

/** Keys are built only from ids we mint and fixed names; this refuses anything that could escape the store. */
export function assertSafeKey(key: string): void {
  if (
    !/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(key) ||
    key.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new Error(`Unsafe file-store key ${JSON.stringify(key)}`);
  }
}
