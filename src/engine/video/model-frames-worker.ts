// Worker-thread entry of `readModelFrames`: runs ffmpeg, reads its pipe continuously (the main thread's busy
// stretches can no longer stall the decoder) and turns each frame into the model's normalised input tensor.
import { parentPort, workerData } from 'node:worker_threads';
import { SamError } from '../../domain/errors.js';
import { framePlanes, readVideoFrames } from '../../media/video-frames.js';
import { planarToNormalizedNchw } from '../../model/sam3/preprocess.js';
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

try {
  const r = job.resolution;
  const frames = readVideoFrames(job.path, { ...job.frames, width: r, height: r, layout: 'planar', signal: stop.signal });
  for await (const frame of frames) {
    while (credits === 0 && !stop.signal.aborted) await new Promise<void>((resolve) => (creditWaiting = resolve));
    if (stop.signal.aborted) break;
    credits--;
    const started = performance.now();
    const pixels = planarToNormalizedNchw(framePlanes(frame.data, r, r), r, spare.pop());
    post({ type: 'frame', index: frame.index, timeS: frame.timeS, pixels, preprocessMs: performance.now() - started }, [pixels.buffer as ArrayBuffer]);
  }
  post({ type: 'end' });
} catch (error) {
  if (!stop.signal.aborted) {
    const e = error instanceof SamError ? error : new SamError('VIDEO_DECODE_FAILED', `Decoding the video failed: ${(error as Error).message}`, {}, { cause: error });
    post({ type: 'error', code: e.code, message: e.message, details: JSON.parse(JSON.stringify(e.details)) as Record<string, unknown> });
  } else post({ type: 'end' });
} finally {
  port.close();
}
