// The process's garbage-collector setting (SAM3_GC_CONCURRENT_MARKING), applied once by each entry point.
import { setFlagsFromString } from 'node:v8';

export type ConcurrentMarking = 'on' | 'off';

/**
 * Sets V8's `--(no-)concurrent-marking` for this process, worker threads included. Off: marking runs on the main
 * thread in steps, which on a small machine leaves the cores to the model, ffmpeg and the decoding worker (V8's
 * marking helpers spend far more CPU in all than the main thread would), but a main thread waiting on the model
 * marks slowly, so large model outputs are reclaimed later and peak memory grows.
 */
export function applyGcTuning(concurrentMarking: ConcurrentMarking): void {
  setFlagsFromString(concurrentMarking === 'on' ? '--concurrent-marking' : '--no-concurrent-marking');
}
