// Test access to the generated demo bundles (written once under .cache/, reused across runs).
import { join } from 'node:path';
import { writeDemoBundle } from '../../src/demo-model/write-demo-bundle.js';

export const TEST_MODEL_ROOT = join(process.cwd(), '.cache', 'test-models');

export function demoBundle(resolution = 1008): Promise<string> {
  return writeDemoBundle(join(TEST_MODEL_ROOT, `demo-r${resolution}`), { resolution });
}
