// UploadStore on the job database (tickets) and the file store (bytes under uploads/<id>); expired tickets are swept.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { FileStore } from '../file-store.js';
import { checkUploadWrite, type Upload, type UploadStore } from '../upload-store.js';

interface UploadRow {
  id: string;
  filename: string;
  content_type: string;
  declared_bytes: number;
  complete: number;
  created_at: number;
  expires_at: number;
}

export class SqliteUploadStore implements UploadStore {
  constructor(
    private readonly db: Database.Database,
    private readonly files: FileStore,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(meta: { filename: string; contentType: string; declaredBytes: number }): Promise<Upload> {
    const id = randomUUID().replaceAll('-', '');
    const t = this.now();
    this.db
      .prepare(
        'INSERT INTO uploads (id, filename, content_type, declared_bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, meta.filename, meta.contentType, meta.declaredBytes, t, t + this.retentionMs);
    return (await this.get(id))!;
  }

  async write(id: string, bytes: Uint8Array): Promise<Upload> {
    const upload = checkUploadWrite(id, await this.get(id), bytes);
    await this.files.put(upload.key, bytes);
    this.db.prepare('UPDATE uploads SET complete = 1 WHERE id = ?').run(id);
    return { ...upload, complete: true };
  }

  async get(id: string): Promise<Upload | undefined> {
    const row = this.db.prepare('SELECT * FROM uploads WHERE id = ? AND expires_at > ?').get(id, this.now()) as
      UploadRow | undefined;
    return row
      ? {
          id: row.id,
          filename: row.filename,
          contentType: row.content_type,
          declaredBytes: row.declared_bytes,
          complete: row.complete === 1,
          createdAtMs: row.created_at,
          expiresAtMs: row.expires_at,
          key: `uploads/${row.id}`,
        }
      : undefined;
  }

  /** Deletes expired tickets and their bytes; returns how many. */
  async sweep(): Promise<number> {
    const ids = (
      this.db.prepare('SELECT id FROM uploads WHERE expires_at <= ? LIMIT 500').all(this.now()) as Array<{ id: string }>
    ).map((r) => r.id);
    for (const id of ids) {
      await this.files.remove(`uploads/${id}`);
      this.db.prepare('DELETE FROM uploads WHERE id = ?').run(id);
    }
    return ids.length;
  }
}
