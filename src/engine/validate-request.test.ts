// Semantic request checks: every list a stranger sends has a cap, named with its field in the error.
import { describe, expect, it } from 'vitest';
import { MAX_BOXES_PER_CONCEPT, MAX_CONCEPT_TEXT_CHARS, MAX_POINTS_PER_OBJECT } from '../domain/prompts.js';
import { validateSegmentRequest } from './validate-request.js';

const image = new Uint8Array(1);

describe('validateSegmentRequest caps', () => {
  it('refuses more points per object than the cap, naming the object', () => {
    const points = Array.from({ length: MAX_POINTS_PER_OBJECT + 1 }, () => ({ x: 1, y: 1, positive: true }));
    expect(() => validateSegmentRequest({ image, objects: [{ points: points.slice(1) }, { points }] })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ field: 'objects[1].points', limit: MAX_POINTS_PER_OBJECT }),
      }),
    );
    expect(() => validateSegmentRequest({ image, objects: [{ points: points.slice(1) }] })).not.toThrow();
  });

  it('refuses more exemplar boxes per concept and longer text than the caps', () => {
    const exemplars = Array.from({ length: MAX_BOXES_PER_CONCEPT + 1 }, () => ({
      box: { x0: 0, y0: 0, x1: 2, y1: 2 },
      positive: true,
    }));
    expect(() => validateSegmentRequest({ image, concepts: [{ exemplars }] })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'concepts[0].boxes' }) }),
    );
    expect(() =>
      validateSegmentRequest({ image, concepts: [{ text: 'a'.repeat(MAX_CONCEPT_TEXT_CHARS + 1) }] }),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'concepts[0].text' }) }));
  });
});

describe('validatePromptsInImage', () => {
  const size = { width: 640, height: 480 };
  it('refuses a click off the image and boxes that miss it, naming the field; accepts the edges', async () => {
    const { validatePromptsInImage } = await import('./validate-request.js');
    expect(() =>
      validatePromptsInImage({ image, objects: [{ points: [{ x: 700, y: 10, positive: true }] }] }, size),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ field: 'objects[0].points[0]' }),
      }),
    );
    expect(() =>
      validatePromptsInImage({ image, objects: [{ box: { x0: 650, y0: 0, x1: 700, y1: 10 } }] }, size),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'objects[0].box' }) }));
    expect(() =>
      validatePromptsInImage(
        { image, concepts: [{ exemplars: [{ box: { x0: -50, y0: 0, x1: -1, y1: 10 }, positive: true }] }] },
        size,
      ),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'concepts[0].boxes[0]' }) }));
    expect(() =>
      validatePromptsInImage(
        {
          image,
          objects: [
            {
              points: [
                { x: 640, y: 480, positive: true },
                { x: 0, y: 0, positive: false },
              ],
            },
            { box: { x0: -10, y0: -10, x1: 5, y1: 5 } },
          ],
        },
        size,
      ),
    ).not.toThrow();
  });
});
