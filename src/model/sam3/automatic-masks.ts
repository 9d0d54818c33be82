// "Segment everything" on the tracker decoder (SAM's automatic mask generator): one positive click per grid cell
// centre, every candidate of each click filtered by predicted IoU and stability at mask resolution, duplicates
// removed by greedy box NMS (best predicted IoU first), survivors upsampled to the image and small ones dropped.
import type { ImageSize } from '../../domain/image.js';
import type { EverythingOptions } from '../../domain/prompts.js';
import { EVERYTHING_DEFAULTS } from '../../domain/prompts.js';
import type { BinaryMask } from '../../domain/segmentation.js';
import { maskArea } from '../../masks/mask-ops.js';
import { upsampleLogitsToFrame } from '../../masks/upsample-logits.js';

/** One click's decoder output: predicted IoUs [k] and candidate logits [k, S, S]. */
export type ClickDecoder = (x: number, y: number) => Promise<{ iou: Float32Array; masks: Float32Array }>;

export interface AutomaticMask {
  readonly mask: BinaryMask;
  readonly predictedIou: number;
  readonly stability: number;
}

interface Candidate {
  logits: Float32Array;
  predictedIou: number;
  stability: number;
  /** Box in image pixels, from the cells with logit > 0. */
  box: [number, number, number, number];
}

/** Stability and the positive cells' box of one S×S logit plane; null when no cell is positive. */
function measure(
  logits: Float32Array,
  side: number,
): { stability: number; cells: [number, number, number, number] } | null {
  let strong = 0;
  let weak = 0;
  let x0 = side;
  let y0 = side;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < side; y++) {
    const row = y * side;
    for (let x = 0; x < side; x++) {
      const v = logits[row + x]!;
      if (v > -1) weak++;
      if (v > 1) strong++;
      if (v > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  return { stability: weak ? strong / weak : 0, cells: [x0, y0, x1 + 1, y1 + 1] };
}

const boxIou = (a: readonly number[], b: readonly number[]): number => {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
};

export async function automaticMasks(
  decode: ClickDecoder,
  size: ImageSize,
  maskSize: number,
  options: EverythingOptions,
  checkAborted: () => void,
): Promise<AutomaticMask[]> {
  const o = { ...EVERYTHING_DEFAULTS, ...options };
  const plane = maskSize * maskSize;
  const candidates: Candidate[] = [];
  for (let j = 0; j < o.pointsPerSide; j++) {
    for (let i = 0; i < o.pointsPerSide; i++) {
      checkAborted();
      const x = ((i + 0.5) / o.pointsPerSide) * size.width;
      const y = ((j + 0.5) / o.pointsPerSide) * size.height;
      const { iou, masks } = await decode(x, y);
      for (let c = 0; c < iou.length; c++) {
        if (!(iou[c]! >= o.predIouThreshold)) continue;
        const logits = masks.subarray(c * plane, (c + 1) * plane);
        const m = measure(logits, maskSize);
        if (!m || m.stability < o.stabilityThreshold) continue;
        const sx = size.width / maskSize;
        const sy = size.height / maskSize;
        candidates.push({
          logits: logits.slice(),
          predictedIou: iou[c]!,
          stability: m.stability,
          box: [m.cells[0] * sx, m.cells[1] * sy, m.cells[2] * sx, m.cells[3] * sy],
        });
      }
    }
  }
  candidates.sort((a, b) => b.predictedIou - a.predictedIou || b.stability - a.stability);
  const kept: Candidate[] = [];
  for (const c of candidates) if (kept.every((k) => boxIou(k.box, c.box) <= o.boxNmsThreshold)) kept.push(c);
  const out: AutomaticMask[] = [];
  for (const k of kept) {
    const mask = upsampleLogitsToFrame(k.logits, 0, maskSize, maskSize, size.width, size.height);
    const area = maskArea(mask);
    if (area === 0 || area < o.minAreaPx) continue;
    out.push({ mask, predictedIou: k.predictedIou, stability: k.stability });
  }
  return out;
}
