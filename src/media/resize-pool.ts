// The PIL-exact resize split over worker threads: the input is copied once into shared memory, each worker computes
// a band of output rows (bit-identical to the whole resize), and the main thread's event loop stays free meanwhile.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SamError } from '../domain/errors.js';
import type { RawImage } from '../domain/image.js';
import { resizeBilinear } from './resize-bilinear.js';
import type { ResizeBand } from './resize-worker.js';

function startWorker(): Worker {
  const compiled = new URL('./resize-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled);
  // Running from the TypeScript sources (tests, `tsx`): load the worker through tsx's loader.
  const source = new URL('./resize-worker.ts', import.meta.url).href;
  return new Worker(
    `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`,
    { eval: true },
  );
}

/** Worker threads for resizing: 0 on machines with fewer than 4 cores (the resize then runs inline). */
export const defaultResizeThreads = (): number => {
  const n = cpus().length;
  return n >= 4 ? Math.min(4, n - 1) : 0;
};

export class ResizePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;

  /** `threads` workers, started on first use; 0 = resize on the calling thread. */
  constructor(private readonly threads: number = defaultResizeThreads()) {}

  private pool(): Worker[] {
    while (this.workers.length < this.threads) {
      const worker = startWorker();
      worker.unref();
      worker.on('message', (m: { id: number; error?: string }) => {
        const job = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) job?.reject(new SamError('INTERNAL', `Resize worker failed: ${m.error}`));
        else job?.resolve();
      });
      worker.on('error', (error) => {
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
      });
      this.workers.push(worker);
    }
    return this.workers;
  }

  /** `resizeBilinear`, bit for bit, with its output rows split over the workers. */
  async resize(image: RawImage, outWidth: number, outHeight: number): Promise<RawImage> {
    if (this.threads === 0 || (image.width === outWidth && image.height === outHeight))
      return resizeBilinear(image, outWidth, outHeight);
    const input = new SharedArrayBuffer(image.data.length);
    new Uint8Array(input).set(image.data);
    const output = new SharedArrayBuffer(outWidth * outHeight * 3);
    const workers = this.pool();
    const rowsPer = Math.ceil(outHeight / workers.length);
    await Promise.all(
      workers.map((worker, k) => {
        const rowFrom = Math.min(outHeight, k * rowsPer);
        const rowTo = Math.min(outHeight, rowFrom + rowsPer);
        if (rowTo <= rowFrom) return Promise.resolve();
        const id = this.nextId++;
        const band: ResizeBand = {
          id,
          input,
          width: image.width,
          height: image.height,
          output,
          outWidth,
          outHeight,
          rowFrom,
          rowTo,
        };
        return new Promise<void>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage(band);
        });
      }),
    );
    return { width: outWidth, height: outHeight, channels: 3, data: new Uint8Array(output) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
