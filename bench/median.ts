// Median wall time of a function after warm-up, shared by the benchmarks.

export function medianMs(fn: () => unknown, runs: number): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function medianMsAsync(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** The median of `xs` (the upper one of an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `rounds` rounds of `ours` and `peer`, the side going first alternating (ours first in even rounds). */
export async function alternateRounds(
  rounds: number,
  ours: () => Promise<void>,
  peer: () => Promise<void>,
): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    const [first, second] = r % 2 === 0 ? [ours, peer] : [peer, ours];
    await first();
    await second();
  }
}
