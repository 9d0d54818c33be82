// Frames given back come out again zeroed, once each, for the same size; views and frames over the cap are not kept.
import { describe, expect, it } from 'vitest';
import { pooledFrameBytes, recycleFrames, takeFrame } from './frame-pool.js';

const mask = (data: Uint8Array) => ({ width: data.length, height: 1, data });

describe('frame pool', () => {
  it('hands a given-back frame to the next mask of its size, zeroed', () => {
    const length = 12_345;
    const a = takeFrame(length);
    a.fill(1);
    recycleFrames([mask(a)]);
    expect(takeFrame(length + 1)).not.toBe(a);
    const b = takeFrame(length);
    expect(b).toBe(a);
    expect(b.every((v) => v === 0)).toBe(true);
    expect(takeFrame(length)).not.toBe(a);
  });

  it('keeps a frame given back twice only once, and never a view into a larger buffer', () => {
    const length = 23_456;
    const a = takeFrame(length);
    const before = pooledFrameBytes();
    recycleFrames([mask(a), mask(a)]);
    recycleFrames([mask(a)]);
    expect(pooledFrameBytes() - before).toBe(length);
    expect(takeFrame(length)).toBe(a);
    expect(takeFrame(length)).not.toBe(a);
    const shared = new Uint8Array(2 * length);
    recycleFrames([mask(shared.subarray(length)), mask(shared.subarray(0, length))]);
    expect(pooledFrameBytes()).toBe(before);
  });

  it('keeps at most 64 MiB waiting', () => {
    const before = pooledFrameBytes();
    const big = Array.from({ length: 40 }, () => takeFrame(2 * 1024 * 1024 + 7));
    recycleFrames(big.map(mask));
    expect(pooledFrameBytes()).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(pooledFrameBytes() - before).toBeGreaterThan(60 * 1024 * 1024);
    // Drain what this test added, so other tests in the worker start from the same pool.
    for (let i = 0; i < 40; i++) takeFrame(2 * 1024 * 1024 + 7);
    expect(pooledFrameBytes()).toBe(before);
  });
});
