// Worker-thread entry of `readModelFrames`: runs ffmpeg, reads its pipe continuously (the main thread's busy
// stretches can no longer stall the decoder) and turns each frame into the model's normalised input tensor.
import { parentPort, workerData } from 'node:worker_threads';
import { SamError } from '../../domain/errors.js';
import { framePlanes, readVideoFrames } from '../../media/video-frames.js';
import { normalizeBytes } from '../../model/sam3/preprocess.js';
import type { ModelFrameJob, ToMain, ToWorker } from './model-frames.js';

const job = workerData as ModelFrameJob;
const port = parentPort!;
const stop = new AbortController();
const spare: Float32Array[] = [];
let credits = job.readAheadFrames;
let creditWaiting: (() => void) | undefined;

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') stop.abort();
  else {
    spare.push(m.pixels);
    credits++;
  }
  creditWaiting?.();
  creditWaiting = undefined;
});

const post = (m: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/**
 * A frame's planes are converted in this many slices each, with the event loop let run between them: it reads
 * ffmpeg's pipe meanwhile. A 64 KiB pipe holds 2 % of a 1008² frame, so without the pauses ffmpeg waits, blocked,
 * for the whole conversion and decoding never overlaps it.
 */
const SLICES_PER_PLANE = 4;

/** The model input tensor of one planar frame, into `out`; returns the time spent converting (pauses excluded). */
async function convert(data: Uint8Array, r: number, out: Float32Array): Promise<number> {
  const { r: red, g, b } = framePlanes(data, r, r);
  const plane = r * r;
  let busyMs = 0;
  for (const [c, bytes] of [red, g, b].entries()) {
    for (let k = 0; k < SLICES_PER_PLANE; k++) {
      const from = Math.floor((k * plane) / SLICES_PER_PLANE);
      const to = Math.floor(((k + 1) * plane) / SLICES_PER_PLANE);
      const started = performance.now();
      normalizeBytes(bytes.subarray(from, to), out.subarray(c * plane + from, c * plane + to));
      busyMs += performance.now() - started;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return busyMs;
}

try {
  const r = job.resolution;
  const frames = readVideoFrames(job.path, {
    ...job.frames,
    width: r,
    height: r,
    layout: 'planar',
    signal: stop.signal,
  });
  for await (const frame of frames) {
    while (credits === 0 && !stop.signal.aborted) await new Promise<void>((resolve) => (creditWaiting = resolve));
    if (stop.signal.aborted) break;
    credits--;
    const pixels = spare.pop() ?? new Float32Array(3 * r * r);
    const preprocessMs = await convert(frame.data, r, pixels);
    if (stop.signal.aborted) break;
    post({ type: 'frame', index: frame.index, timeS: frame.timeS, pixels, preprocessMs }, [
      pixels.buffer as ArrayBuffer,
    ]);
  }
  post({ type: 'end' });
} catch (error) {
  if (!stop.signal.aborted) {
    const e =
      error instanceof SamError
        ? error
        : new SamError(
            'VIDEO_DECODE_FAILED',
            `Decoding the video failed: ${(error as Error).message}`,
            {},
            { cause: error },
          );
    post({
      type: 'error',
      code: e.code,
      message: e.message,
      details: JSON.parse(JSON.stringify(e.details)) as Record<string, unknown>,
    });
  } else post({ type: 'end' });
} finally {
  port.close();
}
