// The UploadStore port: two-step uploads (create a ticket, then PUT the bytes) whose files later serve as job inputs.
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

export interface UploadStore {
  create(meta: { filename: string; contentType: string; declaredBytes: number }): Promise<Upload>;
  /** Stores the bytes (UPLOAD_NOT_FOUND for an unknown or expired id, UPLOAD_SIZE_MISMATCH for a wrong size). */
  write(id: string, bytes: Uint8Array): Promise<Upload>;
  get(id: string): Promise<Upload | undefined>;
}
