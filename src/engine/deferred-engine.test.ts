import { describe, expect, it } from 'vitest';
import { SamError } from '../domain/errors.js';
import { DeferredEngine } from './deferred-engine.js';
import type { SegmentationEngine } from './engine.js';

const stub = { info: () => ({ model: { name: 'm' } }), close: async () => undefined } as unknown as SegmentationEngine;

describe('DeferredEngine', () => {
  it('answers MODEL_NOT_READY while loading, then delegates', async () => {
    let finish!: (e: SegmentationEngine) => void;
    const engine = new DeferredEngine(new Promise((resolve) => (finish = resolve)));
    expect(engine.readiness()).toEqual({ state: 'loading' });
    await expect(engine.segment({})).rejects.toMatchObject({ code: 'MODEL_NOT_READY', kind: 'busy' });
    expect(() => engine.info()).toThrow(/still loading/);
    expect(engine.stats().queue.running).toBe(0);
    finish(stub);
    await engine.loaded;
    expect(engine.readiness()).toEqual({ state: 'ready' });
    expect(engine.info().model.name).toBe('m');
  });

  it('reports a failed load through readiness and every call', async () => {
    const engine = new DeferredEngine(Promise.reject(new SamError('MODEL_NOT_FOUND', 'no bundle at /x')));
    await expect(engine.loaded).rejects.toThrow('no bundle at /x');
    expect(engine.readiness()).toMatchObject({ state: 'failed', error: { code: 'MODEL_NOT_FOUND' } });
    // Permanent: not 'busy', so no surface answers it as retryable (no Retry-After, jobs fail at once).
    await expect(engine.embed({ image: new Uint8Array() })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      kind: 'unavailable',
      retryable: false,
      message: 'No model is loaded: no bundle at /x',
    });
    await engine.close();
  });
});
