// Decoding and model-input preprocessing against an independently computed antialiased bilinear reference.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { toNormalizedNchw } from '../model/sam3/preprocess.js';
import { decodeImage, sniffImageFormat } from './image-decode.js';
import { resizeBilinear } from './resize-bilinear.js';

/** Reference: separable triangle filter whose support widens with the downscale factor (PIL BILINEAR). */
function referenceResize(src: Uint8Array, w: number, h: number, ow: number, oh: number): Float64Array {
  const weights = (inSize: number, outSize: number) => {
    const scale = inSize / outSize;
    const support = Math.max(scale, 1);
    return Array.from({ length: outSize }, (_, o) => {
      const centre = (o + 0.5) * scale;
      const taps: Array<[number, number]> = [];
      let sum = 0;
      for (let i = Math.floor(centre - support); i <= Math.ceil(centre + support); i++) {
        const wgt = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support));
        if (wgt > 0 && i >= 0 && i < inSize) {
          taps.push([i, wgt]);
          sum += wgt;
        }
      }
      return taps.map(([i, wgt]) => [i, wgt / sum] as [number, number]);
    });
  };
  const wx = weights(w, ow);
  const wy = weights(h, oh);
  const tmp = new Float64Array(h * ow * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < ow; x++)
      for (let c = 0; c < 3; c++)
        tmp[(y * ow + x) * 3 + c] = wx[x]!.reduce((a, [i, k]) => a + k * src[(y * w + i) * 3 + c]!, 0);
  const out = new Float64Array(oh * ow * 3);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++)
      for (let c = 0; c < 3; c++)
        out[(y * ow + x) * 3 + c] = wy[y]!.reduce((a, [i, k]) => a + k * tmp[(i * ow + x) * 3 + c]!, 0);
  return out;
}

function smoothImage(w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      d.set(
        [
          Math.round((255 * x) / (w - 1)),
          Math.round((255 * y) / (h - 1)),
          Math.round(127.5 + 127.5 * Math.sin(x / 9) * Math.cos(y / 7)),
        ],
        (y * w + x) * 3,
      );
    }
  }
  return d;
}

describe('preprocessing', () => {
  it('normalises x/127.5 − 1 into planar NCHW', () => {
    const t = toNormalizedNchw(
      { width: 2, height: 2, channels: 3, data: Uint8Array.from([0, 255, 51, 255, 0, 102, 127, 128, 0, 10, 20, 30]) },
      2,
    );
    expect(Array.from(t.slice(0, 4))).toEqual(
      [-1, 1, 127 / 127.5 - 1, 10 / 127.5 - 1].map((v) => expect.closeTo(v, 6)),
    );
    expect(t[4]).toBeCloseTo(1, 6);
    expect(t[8]).toBeCloseTo(51 / 127.5 - 1, 6);
    expect(() => toNormalizedNchw({ width: 3, height: 2, channels: 3, data: new Uint8Array(18) }, 2)).toThrow(
      /Expected a 2×2/,
    );
  });

  for (const [w, h, r] of [
    [400, 300, 100],
    [120, 90, 252],
    [333, 517, 126],
  ] as const) {
    it(`stretch-resize ${w}×${h} → ${r}² matches an antialiased bilinear reference`, async () => {
      const src = smoothImage(w, h);
      const png = await sharp(src, { raw: { width: w, height: h, channels: 3 } })
        .png()
        .toBuffer();
      const decoded = await decodeImage(png);
      expect(decoded.data).toEqual(src);
      const resized = resizeBilinear(decoded, r, r);
      const ref = referenceResize(src, w, h, r, r);
      let maxDiff = 0;
      let sum = 0;
      for (let i = 0; i < ref.length; i++) {
        const d = Math.abs(resized.data[i]! - ref[i]!);
        maxDiff = Math.max(maxDiff, d);
        sum += d;
      }
      // The float reference and PIL's 22-bit fixed point differ by rounding only; a resize without antialiasing, or
      // with a shifted pixel centre (libvips' upscale), is several levels off on this pattern.
      expect(sum / ref.length).toBeLessThan(0.5);
      expect(maxDiff).toBeLessThan(1.001);
    });
  }
});

describe('decodeImage limits', () => {
  it('refuses empty bodies, byte limits and garbage with clear errors', async () => {
    await expect(decodeImage(new Uint8Array())).rejects.toThrow(/empty body/);
    await expect(decodeImage(new Uint8Array(100), { maxImageBytes: 10, maxImagePixels: 100 })).rejects.toThrow(
      /at most 10 bytes .* received 100/,
    );
    await expect(decodeImage(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toMatchObject({ code: 'IMAGE_DECODE_FAILED' });
  });

  it('refuses a decompression bomb from its header before decoding pixels', async () => {
    const bomb = await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(2_000_000);
    const before = process.memoryUsage().rss;
    await expect(decodeImage(bomb, { maxImageBytes: 10_000_000, maxImagePixels: 50_000_000 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: expect.stringMatching(/12000×12000/),
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('names the settings to change in size-limit messages, and keeps no stack in error details', async () => {
    const error = await decodeImage(new Uint8Array(100), { maxImageBytes: 10, maxImagePixels: 100 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ message: expect.stringMatching(/SAM3_MAX_IMAGE_BYTES/) });
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await decodeImage(png, { maxImageBytes: 1e6, maxImagePixels: 100 }).catch((e: unknown) => e)).toMatchObject({
      message: expect.stringMatching(/SAM3_MAX_IMAGE_PIXELS/),
    });
    const garbage = await decodeImage(
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 0, 1, 2]),
    ).catch((e: unknown) => e);
    expect(garbage).toMatchObject({ code: 'IMAGE_DECODE_FAILED' });
    expect((garbage as { details: object }).details).not.toHaveProperty('stack');
  });

  it('an aborted signal ends a decode under way with the deadline error, and an already aborted one before it starts', async () => {
    const png = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const controller = new AbortController();
    const running = decodeImage(png, undefined, 'image', controller.signal);
    controller.abort(new DOMException('deadline', 'TimeoutError'));
    await expect(running).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
      message: expect.stringMatching(/while decoding image/),
    });
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(decodeImage(png, undefined, 'image', cancelled.signal)).rejects.toMatchObject({
      code: 'REQUEST_CANCELLED',
    });
  });

  it('recognises the accepted formats from their leading bytes and nothing else', async () => {
    const base = sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } });
    for (const [format, bytes] of [
      ['jpeg', await base.clone().jpeg().toBuffer()],
      ['png', await base.clone().png().toBuffer()],
      ['webp', await base.clone().webp().toBuffer()],
      ['gif', await base.clone().gif().toBuffer()],
      ['tiff', await base.clone().tiff().toBuffer()],
    ] as const) {
      expect(sniffImageFormat(bytes)).toBe(format);
      expect((await decodeImage(bytes)).width).toBe(16);
    }
    expect(sniffImageFormat(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
  });
});
