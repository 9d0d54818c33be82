// A job's stored media reference → engine input: a URL to fetch, or the bytes of a stored upload.
import { SamError } from '../domain/errors.js';
import type { ImageInput } from '../domain/image.js';
import type { MediaRef } from '../domain/jobs.js';
import type { FileStore } from './file-store.js';

/** A stored file's bytes, or MEDIA_NOT_ACCESSIBLE when it is gone (an upload that expired before the job ran). */
export async function readMedia(ref: MediaRef, files: FileStore, field: string): Promise<ImageInput> {
  if ('url' in ref) return { url: ref.url };
  const bytes = await files.get(ref.file);
  if (!bytes)
    throw new SamError(
      'MEDIA_NOT_ACCESSIBLE',
      `The file given as ${field} no longer exists (uploads expire with the retention period)`,
      { field },
    );
  return bytes;
}
