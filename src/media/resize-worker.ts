// A resize worker thread: computes bands of output rows of the PIL-exact bilinear resize into shared memory.
import { parentPort } from 'node:worker_threads';
import { resizeBilinearRows } from './resize-bilinear.js';

export interface ResizeBand {
  id: number;
  input: SharedArrayBuffer;
  width: number;
  height: number;
  output: SharedArrayBuffer;
  outWidth: number;
  outHeight: number;
  rowFrom: number;
  rowTo: number;
}

parentPort!.on('message', (band: ResizeBand) => {
  try {
    const image = { width: band.width, height: band.height, channels: 3 as const, data: new Uint8Array(band.input) };
    resizeBilinearRows(image, band.outWidth, band.outHeight, band.rowFrom, band.rowTo, new Uint8Array(band.output));
    parentPort!.postMessage({ id: band.id });
  } catch (error) {
    parentPort!.postMessage({ id: band.id, error: (error as Error).message });
  }
});
