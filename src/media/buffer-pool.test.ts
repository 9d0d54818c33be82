// Buffers given back come out again for the same size and kind, within the pool's bounds.
import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('reuses a buffer of the same size and kind, and makes a new one otherwise', () => {
    const pool = new BufferPool();
    const a = pool.take(1024, false);
    pool.give(a);
    expect(pool.take(1024, true)).not.toBe(a);
    expect(pool.take(2048, false)).not.toBe(a);
    expect(pool.take(1024, false)).toBe(a);
    expect(pool.take(1024, false)).not.toBe(a);
    const s = pool.take(64, true);
    expect(s).toBeInstanceOf(SharedArrayBuffer);
    pool.give(s);
    expect(pool.take(64, true)).toBe(s);
  });

  it('keeps at most maxPerSize buffers of a size and maxBytes in all', () => {
    const pool = new BufferPool(1, 1500);
    const [a, b] = [pool.take(1000, false), pool.take(1000, false)];
    pool.give(a);
    pool.give(b); // a second of this size: dropped
    expect(pool.take(1000, false)).toBe(a);
    expect(pool.take(1000, false)).not.toBe(b);
    pool.give(a);
    pool.give(pool.take(600, false)); // over maxBytes with `a` kept: dropped
    const c = pool.take(600, false);
    pool.give(c);
    expect(pool.take(600, false)).not.toBe(c);
  });
});
