// A video's frames as model input tensors, decoded and preprocessed in a worker thread (model-frames-worker.ts)
// that keeps up to `readAheadFrames` ready, so decoding and preprocessing overlap the tracker on another core.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SamError, type ErrorCode, type ErrorDetails } from '../../domain/errors.js';
import type { FrameStreamOptions } from '../../media/video-frames.js';

/** What the worker is given. */
export interface ModelFrameJob {
  path: string;
  resolution: number;
  readAheadFrames: number;
  frames: Pick<FrameStreamOptions, 'sampleFps' | 'maxFrames' | 'expectedFrames' | 'field'>;
}

export type ToWorker = { type: 'release'; pixels: Float32Array } | { type: 'stop' };
export type ToMain =
  | { type: 'frame'; index: number; timeS: number; pixels: Float32Array; preprocessMs: number }
  | { type: 'end' }
  | { type: 'error'; code: ErrorCode; message: string; details: ErrorDetails };

export interface ModelFrame {
  index: number;
  timeS: number;
  /** [1,3,R,R] normalised; valid until the next frame is requested (the buffer then goes back to the worker). */
  pixels: Float32Array;
  /** Time the worker spent preprocessing this frame. */
  preprocessMs: number;
}

/** Frames decoded ahead: 3 × 12 MB tensors at R = 1008. */
const READ_AHEAD_FRAMES = 3;
/** How long a stopped worker gets to end ffmpeg before it is terminated. */
const STOP_GRACE_MS = 2000;

function startWorker(job: ModelFrameJob): Worker {
  const compiled = new URL('./model-frames-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: job });
  // Running from the TypeScript sources (tests, `tsx`): load the worker through tsx's loader.
  const source = new URL('./model-frames-worker.ts', import.meta.url).href;
  return new Worker(
    `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`,
    { eval: true, workerData: job },
  );
}

export async function* readModelFrames(
  path: string,
  resolution: number,
  frames: ModelFrameJob['frames'],
  signal?: AbortSignal,
): AsyncGenerator<ModelFrame> {
  signal?.throwIfAborted();
  const worker = startWorker({ path, resolution, readAheadFrames: READ_AHEAD_FRAMES, frames });
  const inbox: Array<ToMain | { type: 'exit'; code: number } | { type: 'crash'; error: Error }> = [];
  let waiting: (() => void) | undefined;
  const deliver = (m: (typeof inbox)[number]) => {
    inbox.push(m);
    waiting?.();
    waiting = undefined;
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'crash', error }));
  worker.on('exit', (code) => deliver({ type: 'exit', code }));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const onAbort = () => {
    worker.postMessage({ type: 'stop' } satisfies ToWorker);
    deliver({ type: 'end' });
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let lent: Float32Array | undefined;
  try {
    for (;;) {
      if (lent) worker.postMessage({ type: 'release', pixels: lent } satisfies ToWorker, [lent.buffer as ArrayBuffer]);
      lent = undefined;
      while (inbox.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
      const m = inbox.shift()!;
      signal?.throwIfAborted();
      if (m.type === 'frame') {
        lent = m.pixels;
        yield { index: m.index, timeS: m.timeS, pixels: m.pixels, preprocessMs: m.preprocessMs };
      } else if (m.type === 'end') return;
      else if (m.type === 'error') throw new SamError(m.code, m.message, m.details);
      else if (m.type === 'crash')
        throw new SamError('INTERNAL', `The video decoding thread failed: ${m.error.message}`, {}, { cause: m.error });
      else
        throw new SamError('INTERNAL', `The video decoding thread exited (code ${m.code}) before the video ended`, {});
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    worker.postMessage({ type: 'stop' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
