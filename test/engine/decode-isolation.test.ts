// Decoding never holds the inference slot and obeys the request's deadline; formats whose renderers can be made to
// spin (SVG, PDF) are refused before any decoder sees them.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SamError } from '../../src/domain/errors.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { demoBundle } from '../helpers/demo-bundles.js';

/** A large noisy PNG: decoding it takes libvips well over one event-loop turn. */
async function slowPng(seed: number): Promise<Uint8Array> {
  const w = 3000;
  const h = 2000;
  const raw = new Uint8Array(w * h * 3);
  let x = seed;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    raw[i] = x >>> 16;
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** The 235-byte SVG of the report: turbulence + blur over 8000×8000 px kept libvips busy for minutes. */
const SVG_BOMB =
  '<svg xmlns="http://www.w3.org/2000/svg" width="8000" height="8000"><filter id="f"><feTurbulence baseFrequency="0.9" ' +
  'numOctaves="10"/><feGaussianBlur stdDeviation="90"/></filter><rect width="100%" height="100%" filter="url(#f)"/></svg>';

let engine: LocalEngine;
beforeAll(async () => {
  engine = await LocalEngine.create({ modelDir: await demoBundle(504), concurrency: 1 });
});
afterAll(() => engine.close());

describe('decoding outside the inference slot', () => {
  it('a request that is decoding holds no inference slot; once decoded it takes one', async () => {
    const image = await slowPng(1);
    const running = engine.segment({ image, concepts: [{ text: 'red' }] });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(engine.stats().queue.running).toBe(0);
    const result = await running;
    expect(result.width).toBe(3000);
  });

  it('the deadline applies to decoding: an aborted request answers at once, not when the decode ends', async () => {
    const image = await slowPng(2); // not cached by the test above
    const controller = new AbortController();
    const started = Date.now();
    const running = engine.segment({ image: image, concepts: [{ text: 'red' }], signal: controller.signal });
    setTimeout(() => controller.abort(new DOMException('deadline', 'TimeoutError')), 5);
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SamError);
    expect((error as SamError).code).toBe('DEADLINE_EXCEEDED');
    expect((error as SamError).message).toMatch(/decoding/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(engine.stats().queue.running).toBe(0);
  });

  for (const [name, bytes] of [
    ['an SVG', SVG_BOMB],
    ['an SVG behind a BOM and an XML declaration', `\ufeff<?xml version="1.0"?>\n${SVG_BOMB}`],
    ['a PDF', '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'],
  ] as const) {
    it(`refuses ${name} at once, naming what it is and what is accepted`, async () => {
      const started = Date.now();
      const error = await engine
        .segment({ image: new TextEncoder().encode(bytes), concepts: [{ text: 'red' }] })
        .catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error).toMatchObject({ code: 'IMAGE_DECODE_FAILED', details: { field: 'image' } });
      expect((error as SamError).message).toMatch(/(SVG|PDF) document.*|.*JPEG, PNG, WebP/);
      expect((error as SamError).details).not.toHaveProperty('stack');
    });
  }
});
