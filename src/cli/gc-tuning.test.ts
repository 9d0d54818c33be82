import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FEW_CORES, concurrentMarkingFor } from './gc-tuning.js';

describe('concurrentMarkingFor', () => {
  it('auto turns concurrent marking off on small machines only', () => {
    expect(concurrentMarkingFor('auto', 1)).toBe(false);
    expect(concurrentMarkingFor('auto', 2)).toBe(false);
    expect(concurrentMarkingFor('auto', FEW_CORES)).toBe(false);
    expect(concurrentMarkingFor('auto', FEW_CORES + 1)).toBe(true);
    expect(concurrentMarkingFor('auto', 64)).toBe(true);
  });

  it('on and off are taken as given whatever the machine', () => {
    for (const cores of [1, 2, 16]) {
      expect(concurrentMarkingFor('on', cores)).toBe(true);
      expect(concurrentMarkingFor('off', cores)).toBe(false);
    }
  });
});

describe('applyGcTuning', () => {
  it('reaches V8: with off no marking runs on helper threads, with on it does', () => {
    // A child process applies the choice, asks V8 to trace concurrent marking and makes garbage until it collects.
    const script = (choice: string) =>
      `import { applyGcTuning } from './src/cli/gc-tuning.ts';
       import { setFlagsFromString } from 'node:v8';
       applyGcTuning('${choice}', 2);
       setFlagsFromString('--trace-concurrent-marking');
       let keep = [];
       for (let i = 0; i < 200; i++) { keep.push(new Array(20000).fill({ i })); if (keep.length > 50) keep = []; new Float32Array(4e6); }`;
    const traced = (choice: string): string => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(choice)], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout;
    };
    expect(traced('on')).toMatch(/concurrent marking task/);
    expect(traced('off')).not.toMatch(/concurrent marking task/);
  });
});
