// The process's garbage-collector tuning (SAM3_GC_CONCURRENT_MARKING), applied once by each entry point.
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

export type ConcurrentMarkingChoice = 'auto' | 'on' | 'off';

/** Machines with at most this many logical cores turn concurrent marking off under `auto`. */
export const FEW_CORES = 4;

/**
 * Whether V8 should mark concurrently. Its marking threads pay off when cores are idle; on a small machine the
 * model's threads, ffmpeg and the decoding worker already take every core, and the helpers' work (far more CPU in
 * all than marking on the main thread) only slows them down.
 */
export function concurrentMarkingFor(choice: ConcurrentMarkingChoice, cores: number): boolean {
  return choice === 'auto' ? cores > FEW_CORES : choice === 'on';
}

/** Sets V8's `--(no-)concurrent-marking` for this process (worker threads included); returns what was set. */
export function applyGcTuning(choice: ConcurrentMarkingChoice, cores = availableParallelism()): { concurrentMarking: boolean } {
  const concurrentMarking = concurrentMarkingFor(choice, cores);
  setFlagsFromString(concurrentMarking ? '--concurrent-marking' : '--no-concurrent-marking');
  return { concurrentMarking };
}
