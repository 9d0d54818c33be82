// A resize worker thread: computes bands of output rows of the PIL-exact resize, as planes, into shared memory.
import { parentPort } from 'node:worker_threads';
import { type Normalization, resizeRowsToPlanes } from './resize-simd.js';

export interface ResizeBand {
  id: number;
  input: SharedArrayBuffer;
  width: number;
  height: number;
  /** 3 · outWidth · outHeight float32 values (normalised) or bytes. */
  output: SharedArrayBuffer;
  floats: boolean;
  outWidth: number;
  outHeight: number;
  rowFrom: number;
  rowTo: number;
  norm: Normalization;
}

parentPort!.on('message', (band: ResizeBand) => {
  try {
    const image = {
      width: band.width,
      height: band.height,
      channels: 3 as const,
      data: new Uint8Array(band.input, 0, band.width * band.height * 3),
    };
    const length = 3 * band.outWidth * band.outHeight;
    const out = band.floats ? new Float32Array(band.output, 0, length) : new Uint8Array(band.output, 0, length);
    resizeRowsToPlanes(image, band.outWidth, band.outHeight, band.rowFrom, band.rowTo, out, band.norm);
    parentPort!.postMessage({ id: band.id });
  } catch (error) {
    parentPort!.postMessage({ id: band.id, error: (error as Error).message });
  }
});
