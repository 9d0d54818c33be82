// The UploadStore port: two-step uploads (create a ticket, then PUT the bytes) whose files later serve as job inputs.
import { SamError } from '../domain/errors.js';

export interface Upload {
  id: string;
  filename: string;
  contentType: string;
  /** Size declared when the ticket was created; the PUT must match it. */
  declaredBytes: number;
  complete: boolean;
  createdAtMs: number;
  expiresAtMs: number;
  /** Where the bytes live in the file store, once complete. */
  key: string;
}

/** The upload an id names, ready to take `bytes`: UPLOAD_NOT_FOUND or UPLOAD_SIZE_MISMATCH otherwise. */
export function checkUploadWrite(id: string, upload: Upload | undefined, bytes: Uint8Array): Upload {
  if (!upload)
    throw new SamError('UPLOAD_NOT_FOUND', `No upload ${id} exists (never created, or expired)`, {
      field: 'id',
      received: id,
    });
  if (bytes.length !== upload.declaredBytes) {
    throw new SamError(
      'UPLOAD_SIZE_MISMATCH',
      `Expected ${upload.declaredBytes} bytes (the size declared for upload ${id}) but received ${bytes.length}`,
      { field: 'body', expected: String(upload.declaredBytes), received: bytes.length },
    );
  }
  return upload;
}

export interface UploadStore {
  create(meta: { filename: string; contentType: string; declaredBytes: number }): Promise<Upload>;
  /** Stores the bytes (UPLOAD_NOT_FOUND for an unknown or expired id, UPLOAD_SIZE_MISMATCH for a wrong size). */
  write(id: string, bytes: Uint8Array): Promise<Upload>;
  get(id: string): Promise<Upload | undefined>;
}
