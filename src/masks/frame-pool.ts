// Full-frame mask buffers reused across requests. A fresh 2 MB frame per instance costs its page faults and, as
// external memory, brings V8's next full collection closer; a frame given back by a caller that is done with its
// result (an HTTP route once its response is built) is zeroed and handed to the next mask of that size instead.
import type { BinaryMask } from '../domain/segmentation.js';

/** At most this many bytes wait in the pool (≈ 32 masks at 1920×1080). */
const MAX_POOLED_BYTES = 64 * 1024 * 1024;

const free = new Map<number, Uint8Array[]>();
/** The buffers now in the pool: a frame given back twice (a mask shared by two results) is kept once. */
const pooled = new WeakSet<ArrayBufferLike>();
let pooledBytes = 0;

/** A zeroed frame of `length` bytes: a given-back one when the pool has it, else a new one. */
export function takeFrame(length: number): Uint8Array {
  const frame = free.get(length)?.pop();
  if (!frame) return new Uint8Array(length);
  pooled.delete(frame.buffer);
  pooledBytes -= length;
  return frame.fill(0);
}

/**
 * Gives back the frames of `masks`, whose holder is done with them: they will be overwritten by later masks, so
 * nothing may read these masks afterwards. Only frames that own their whole buffer are kept, within the byte cap.
 */
export function recycleFrames(masks: Iterable<BinaryMask>): void {
  for (const { data } of masks) {
    const length = data.length;
    if (data.byteOffset !== 0 || data.buffer.byteLength !== length || length === 0) continue;
    if (pooled.has(data.buffer) || pooledBytes + length > MAX_POOLED_BYTES) continue;
    pooled.add(data.buffer);
    pooledBytes += length;
    const list = free.get(length);
    if (list) list.push(data);
    else free.set(length, [data]);
  }
}

/** Bytes waiting in the pool (for tests). */
export const pooledFrameBytes = (): number => pooledBytes;
