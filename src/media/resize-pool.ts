// The PIL-exact resize to model-input planes: inline, straight into a WebAssembly memory handed out as the planes;
// or split over worker threads: the input is copied once into shared memory, each worker computes a band of output
// rows (bit-identical to the whole resize), and the main thread's event loop stays free meanwhile. Output memory is
// reused once its holder gives it back.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SamError } from '../domain/errors.js';
import type { RawImage } from '../domain/image.js';
import { BufferPool } from './buffer-pool.js';
import { type Normalization, ResizeArena, SimdResize, resizeRowsToPlanes } from './resize-simd.js';
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

/** Arenas kept for reuse (each ≈ 12 MB at 1008², plus its scratch). */
const MAX_FREE_ARENAS = 2;

export class ResizePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly buffers = new BufferPool();
  /** Inline, the planes are written straight into a WebAssembly memory (an arena) and handed out as a view there. */
  private readonly simd = new SimdResize();
  private readonly freeArenas: ResizeArena[] = [];
  private readonly arenaOf = new WeakMap<ArrayBufferLike, ResizeArena>();
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

  /**
   * The model input: `image` resized PIL-exact to outWidth × outHeight as float32 planes R, G, B of
   * (v − mean) / std. Give it back with `release` once the graph has read it, so the next request reuses it.
   */
  async planes(image: RawImage, outWidth: number, outHeight: number, norm: Normalization): Promise<Float32Array> {
    const length = 3 * outWidth * outHeight;
    if (this.threads === 0) {
      const arena = this.freeArenas.pop() ?? new ResizeArena(4 * length);
      const view = this.simd.modelInput(image, outWidth, outHeight, norm, arena);
      if (view) {
        this.arenaOf.set(view.buffer, arena);
        return view;
      }
      this.freeArenas.push(arena);
    }
    const out = new Float32Array(this.buffers.take(4 * length, false), 0, length);
    if (this.threads === 0) {
      resizeRowsToPlanes(image, outWidth, outHeight, 0, outHeight, out, norm);
      return out;
    }
    // Workers write shared memory, which ONNX Runtime's tensors refuse: the bands land there and are copied out.
    const shared = new Float32Array(this.buffers.take(4 * length, true), 0, length);
    const input = this.buffers.take(image.data.length, true) as SharedArrayBuffer;
    new Uint8Array(input).set(image.data);
    const workers = this.pool();
    const rowsPer = Math.ceil(outHeight / workers.length);
    // Every band settles before the input goes back to the pool (a failed band must not leave others reading it).
    const settled = await Promise.allSettled(
      workers.map((worker, k) => {
        const rowFrom = Math.min(outHeight, k * rowsPer);
        const rowTo = Math.min(outHeight, rowFrom + rowsPer);
        if (rowTo <= rowFrom) return Promise.resolve();
        const id = this.nextId++;
        const { width, height } = image;
        const output = shared.buffer as SharedArrayBuffer;
        const band: ResizeBand = {
          id,
          input,
          width,
          height,
          output,
          floats: true,
          outWidth,
          outHeight,
          rowFrom,
          rowTo,
          norm,
        };
        return new Promise<void>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage(band);
        });
      }),
    );
    this.buffers.give(input);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    out.set(shared);
    this.buffers.give(shared.buffer);
    return out;
  }

  /** Gives back a buffer `planes` returned; the caller must not read it afterwards. */
  release(planes: Float32Array): void {
    const arena = this.arenaOf.get(planes.buffer);
    if (!arena) return this.buffers.give(planes.buffer);
    this.arenaOf.delete(planes.buffer);
    if (this.freeArenas.length < MAX_FREE_ARENAS) this.freeArenas.push(arena);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
