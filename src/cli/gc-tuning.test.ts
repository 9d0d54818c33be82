import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('applyGcTuning', () => {
  it('reaches V8: with off helper threads no longer mark alongside JavaScript, with on they do', () => {
    // A child process applies the setting, asks V8 to trace concurrent marking and makes garbage until it collects.
    const script = (choice: string) =>
      `import { applyGcTuning } from './src/cli/gc-tuning.ts';
       import { setFlagsFromString } from 'node:v8';
       applyGcTuning('${choice}');
       setFlagsFromString('--trace-concurrent-marking');
       let keep = [];
       for (let i = 0; i < 200; i++) { keep.push(new Array(20000).fill({ i })); if (keep.length > 50) keep = []; new Float32Array(4e6); }`;
    const traced = (choice: string): string => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(choice)], {
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout;
    };
    // With marking off V8 may still start a helper task in the final pause (parallel marking: a few hundred KB at
    // most); what must go is marking alongside JavaScript, which with this garbage marks tens of MB.
    const markedKb = (trace: string): number =>
      [...trace.matchAll(/concurrently marked (\d+)KB/g)].reduce((n, m) => n + Number(m[1]), 0);
    const on = markedKb(traced('on'));
    const off = markedKb(traced('off'));
    expect(on).toBeGreaterThan(8 * 1024);
    expect(off).toBeLessThan(on / 10);
  });
});
