// Test access to the generated demo bundles (written once under .cache/, reused across runs).
import { join } from 'node:path';
import { writeDemoBundle } from '../../src/demo-model/write-demo-bundle.js';

export const TEST_MODEL_ROOT = join(process.cwd(), '.cache', 'test-models');

/** `memoryTracker: false` leaves out the video memory-tracker graphs (video then tracks by detection). */
export function demoBundle(resolution = 1008, options: { memoryTracker?: boolean } = {}): Promise<string> {
  const memoryTracker = options.memoryTracker ?? true;
  return writeDemoBundle(join(TEST_MODEL_ROOT, `demo-r${resolution}${memoryTracker ? '' : '-no-memory'}`), {
    resolution,
    memoryTracker,
  });
}
