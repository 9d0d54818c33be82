// Post-processing: score = σ(logit)·σ(presence) with a strict threshold, pixel boxes, kept-only upsampling, best of 3.
import { describe, expect, it } from 'vitest';
import { selectConceptInstances, selectObjectCandidates, sigmoid } from './postprocess.js';

function pcs(logits: number[], presence: number) {
  const q = logits.length;
  const s = 4;
  const masks = new Float32Array(q * s * s).fill(-5);
  masks.fill(5, 1 * s * s, 1 * s * s + s * 2); // query 1: top half positive
  const boxes = new Float32Array(q * 4);
  boxes.set([0.25, 0.5, 0.75, 1.2], 4); // query 1, y1 beyond the image: clamped
  return {
    logits: Float32Array.from(logits),
    presence: Float32Array.from([presence]),
    boxes,
    masks,
    queryCount: q,
    maskSize: s,
  };
}

describe('selectConceptInstances', () => {
  it('keeps score > threshold (strict), scales boxes to pixels and clamps them', () => {
    const out = pcs([-3, 4, 0], 3);
    const kept = selectConceptInstances(out, { width: 40, height: 20 }, 0.5);
    expect(kept.map((k) => k.query)).toEqual([1]);
    expect(kept[0]!.score).toBeCloseTo(sigmoid(4) * sigmoid(3), 9);
    expect(kept[0]!.box).toEqual({ x0: 10, y0: 10, x1: 30, y1: 20 });
    expect(kept[0]!.mask.width).toBe(40);
    let top = 0;
    for (let i = 0; i < 40 * 10; i++) top += kept[0]!.mask.data[i]!;
    expect(top).toBe(400);
    const exact = sigmoid(4) * sigmoid(3);
    expect(selectConceptInstances(out, { width: 40, height: 20 }, exact)).toHaveLength(0);
  });

  it('a low presence logit suppresses every query; max detections keeps the best', () => {
    expect(selectConceptInstances(pcs([4, 4, 4], -6), { width: 8, height: 8 }, 0.5)).toHaveLength(0);
    const best = selectConceptInstances(pcs([2, 5, 3], 6), { width: 8, height: 8 }, 0.3, 2);
    expect(best.map((b) => b.query)).toEqual([1, 2]);
  });
});

describe('selectObjectCandidates', () => {
  it('picks the candidate with the highest predicted IoU, or orders all three', () => {
    const s = 2;
    const masks = new Float32Array(3 * s * s).fill(-1);
    masks.fill(1, 2 * s * s, 3 * s * s);
    const out = { iou: Float32Array.from([0.3, 0.1, 0.8]), masks, objectScore: Float32Array.from([2]), maskSize: s };
    const best = selectObjectCandidates(out, { width: 4, height: 4 }, false);
    expect(best.candidates.map((c) => c.candidate)).toEqual([2]);
    expect(best.candidates[0]!.mask.data.every((v) => v === 1)).toBe(true);
    expect(best.objectScore).toBeCloseTo(sigmoid(2), 9);
    expect(selectObjectCandidates(out, { width: 4, height: 4 }, true).candidates.map((c) => c.candidate)).toEqual([
      2, 0, 1,
    ]);
  });
});
