// Semantic request checks: every list a stranger sends has a cap, named with its field in the error.
import { describe, expect, it } from 'vitest';
import { MAX_BOXES_PER_CONCEPT, MAX_CONCEPT_TEXT_CHARS, MAX_POINTS_PER_OBJECT } from '../domain/prompts.js';
import { validateSegmentRequest } from './validate-request.js';

const image = new Uint8Array(1);

describe('validateSegmentRequest caps', () => {
  it('refuses more points per object than the cap, naming the object', () => {
    const points = Array.from({ length: MAX_POINTS_PER_OBJECT + 1 }, () => ({ x: 1, y: 1, positive: true }));
    expect(() => validateSegmentRequest({ image, objects: [{ points: points.slice(1) }, { points }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'objects[1].points', limit: MAX_POINTS_PER_OBJECT }) }),
    );
    expect(() => validateSegmentRequest({ image, objects: [{ points: points.slice(1) }] })).not.toThrow();
  });

  it('refuses more exemplar boxes per concept and longer text than the caps', () => {
    const exemplars = Array.from({ length: MAX_BOXES_PER_CONCEPT + 1 }, () => ({ box: { x0: 0, y0: 0, x1: 2, y1: 2 }, positive: true }));
    expect(() => validateSegmentRequest({ image, concepts: [{ exemplars }] })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'concepts[0].boxes' }) }));
    expect(() => validateSegmentRequest({ image, concepts: [{ text: 'a'.repeat(MAX_CONCEPT_TEXT_CHARS + 1) }] })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'concepts[0].text' }) }));
  });
});
