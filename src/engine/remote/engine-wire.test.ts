// The queued engine's wire form: results survive the trip exactly (masks via RLE, bytes via base64, Buffers too),
// errors come back as SamErrors with their code and details, and the abort signal never crosses.
import { describe, expect, it } from 'vitest';
import { SamError } from '../../domain/errors.js';
import type { SegmentResult } from '../engine.js';
import { decodeCall, decodeReply, encodeCall, encodeReply } from './engine-wire.js';

const mask = (w: number, h: number, on: (x: number, y: number) => boolean) => ({
  width: w,
  height: h,
  data: Uint8Array.from({ length: w * h }, (_, i) => (on(i % w, Math.floor(i / w)) ? 1 : 0)),
});

describe('engine wire', () => {
  it('round-trips a segment result: masks, encodings, composites and the decoded image', () => {
    const m = mask(7, 5, (x, y) => x > 1 && y < 3);
    const result: SegmentResult = {
      imageId: 'abc',
      width: 7,
      height: 5,
      timings: { total: 3 },
      concepts: [
        {
          prompt: { text: 'red' },
          instances: [
            {
              mask: m,
              box: { x0: 2, y0: 0, x1: 7, y1: 3 },
              score: 0.9,
              area: 15,
              encoded: { png: Buffer.from([137, 80, 78, 71]), rle: { size: [5, 7], counts: 'x' } },
            },
          ],
        },
      ],
      objects: [],
      image: { width: 1, height: 1, channels: 3, data: new Uint8Array([1, 2, 3]) },
      composites: { overlay: new Uint8Array([9, 9]) },
    };
    const back = decodeReply(encodeReply({ ok: true, method: 'segment', result, workerId: 'w' }));
    expect(back.ok).toBe(true);
    const r = (back as { result: SegmentResult }).result;
    expect(Array.from(r.concepts[0]!.instances[0]!.mask.data)).toEqual(Array.from(m.data));
    expect(r.concepts[0]!.instances[0]!.mask).toMatchObject({ width: 7, height: 5 });
    expect(Array.from(r.concepts[0]!.instances[0]!.encoded!.png!)).toEqual([137, 80, 78, 71]);
    expect(Array.from(r.image!.data)).toEqual([1, 2, 3]);
    expect(Array.from(r.composites!.overlay!)).toEqual([9, 9]);
  });

  it('carries a SamError by code, message and details', () => {
    const reply = decodeReply(
      encodeReply({
        ok: false,
        error: new SamError('IMAGE_TOO_LARGE', 'too big', { field: 'image', received: 5 }),
        workerId: 'w',
      }),
    );
    expect(reply.ok).toBe(false);
    const error = (reply as { error: SamError }).error;
    expect(error).toBeInstanceOf(SamError);
    expect(error).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      kind: 'payload_too_large',
      message: 'too big',
      details: { field: 'image', received: 5 },
    });
  });

  it('sends image bytes as bytes and drops the signal', () => {
    const call = decodeCall(
      encodeCall({
        method: 'segment',
        request: {
          image: Buffer.from([1, 2, 250]),
          concepts: [{ text: 'x' }],
          signal: new AbortController().signal,
        } as never,
      }),
    );
    expect(call.method).toBe('segment');
    expect(Array.from(call.request.image as Uint8Array)).toEqual([1, 2, 250]);
    expect('signal' in call.request).toBe(false);
  });
});
