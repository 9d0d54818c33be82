// `npx tsx bench/host-kernels.ts`: two host kernels of the video and mask paths, each against the way it was done
// before, in the same run (alternating, several rounds, outputs checked identical first):
// - contours traced within a mask's full bounds against within its rows only (the tracer before stop 15 copied and
//   scanned every column of the rows it was given);
// - the memory encoder's mask input: the grid logits upsampled to the whole R×R frame (what an encoder taking the
//   high-res mask needs) — its cost per object per frame, which encoders taking the S×S grid skip;
// - the model input (1080p RGB → 1008² float32 planes, PIL-exact): the JavaScript resize and normalisation before
//   stop 16 against the WebAssembly SIMD kernel writing into a reused arena;
// - mask area: one pixel at a time (before stop 16) against four per word.
import { MemoryMaskInput } from '../src/engine/video/memory-mask-input.js';
import { traceContours } from '../src/masks/contours.js';
import { maskArea } from '../src/masks/mask-ops.js';
import { resizeBilinear } from '../src/media/resize-bilinear.js';
import { ResizeArena, SimdResize } from '../src/media/resize-simd.js';
import { PIXEL_NORMALIZATION, toNormalizedNchw } from '../src/model/sam3/preprocess.js';
import { medianMs } from './median.js';

const W = 1920;
const H = 1080;

function boundsOf(d: Uint8Array): { x0: number; y0: number; x1: number; y1: number } {
  let [x0, y0, x1, y1] = [W, H, 0, 0];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if (d[y * W + x]) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
  return { x0, y0, x1, y1 };
}

const blob = new Uint8Array(W * H).map((_, i) => (Math.hypot((i % W) - 700, Math.floor(i / W) - 500) < 180 ? 1 : 0));
const blobs = new Uint8Array(W * H).map((_, i) => ((i % W) % 48 < 20 && Math.floor(i / W) % 40 < 16 ? 1 : 0));
const cases = [
  ['one blob (radius 180)', blob],
  ['880 small blobs over the frame', blobs],
] as const;

console.log(`## Host kernels (\`npx tsx bench/host-kernels.ts\`, ${new Date().toISOString().slice(0, 10)})\n`);
console.log('| kernel, 1920×1080 | before ms (round 1 / 2 / 3) | after ms (round 1 / 2 / 3) |');
console.log('|---|---|---|');
for (const [name, mask] of cases) {
  const full = boundsOf(mask);
  const rowsOnly = { y0: full.y0, y1: full.y1 };
  const before = JSON.stringify(traceContours(mask, W, H, true, rowsOnly));
  if (JSON.stringify(traceContours(mask, W, H, true, full)) !== before) throw new Error(`${name}: outputs differ`);
  const b: string[] = [];
  const a: string[] = [];
  for (let round = 0; round < 3; round++) {
    b.push(medianMs(() => traceContours(mask, W, H, true, rowsOnly), 21).toFixed(2));
    a.push(medianMs(() => traceContours(mask, W, H, true, full), 21).toFixed(2));
  }
  console.log(`| contours, ${name}: rows only → full bounds | ${b.join(' / ')} | ${a.join(' / ')} |`);
}

const grid = 288;
const logits = new Float32Array(grid * grid).map(
  (_, i) => 30 - Math.hypot((i % grid) - 100, Math.floor(i / grid) - 150),
);
const input = new MemoryMaskInput(grid, 1008);
const writes = [0, 1, 2].map(() => medianMs(() => input.write(logits), 100).toFixed(2));
console.log(`| memory mask input, 288² → 1008² logits (per object per frame) | — | ${writes.join(' / ')} |`);

// The model input, before and after.
const rgb = new Uint8Array(W * H * 3);
for (let i = 0, s = 7; i < rgb.length; i++) rgb[i] = (s = (s * 1103515245 + 12345) & 0x7fffffff) >>> 23;
const photo = { width: W, height: H, channels: 3 as const, data: rgb };
const R = 1008;
const simd = new SimdResize();
const arena = new ResizeArena(4 * 3 * R * R);
const scalar = toNormalizedNchw(resizeBilinear(photo, R, R), R);
const fused = simd.modelInput(photo, R, R, PIXEL_NORMALIZATION, arena)!;
if (!Buffer.from(scalar.buffer).equals(Buffer.from(fused.buffer, 0, fused.byteLength)))
  throw new Error('model input: outputs differ');
const mb: string[] = [];
const ma: string[] = [];
for (let round = 0; round < 3; round++) {
  mb.push(medianMs(() => toNormalizedNchw(resizeBilinear(photo, R, R), R), 11).toFixed(2));
  ma.push(medianMs(() => simd.modelInput(photo, R, R, PIXEL_NORMALIZATION, arena), 11).toFixed(2));
}
console.log(
  `| model input, RGB → 1008² float32 planes: JavaScript → WebAssembly SIMD | ${mb.join(' / ')} | ${ma.join(' / ')} |`,
);

// Area of the blob (with its bounds, as masks from the upsampler carry them), before and after.
const bounded = { width: W, height: H, data: blob, bounds: boundsOf(blob) };
const perPixel = (): number => {
  let a = 0;
  const { x0, y0, x1, y1 } = bounded.bounds;
  for (let y = y0; y < y1; y++) for (let i = y * W + x0, end = y * W + x1; i < end; i++) a += blob[i]!;
  return a;
};
if (perPixel() !== maskArea(bounded)) throw new Error('area: outputs differ');
const ab: string[] = [];
const aa: string[] = [];
for (let round = 0; round < 3; round++) {
  ab.push(medianMs(perPixel, 101).toFixed(3));
  aa.push(medianMs(() => maskArea(bounded), 101).toFixed(3));
}
console.log(
  `| mask area, one blob (radius 180) within its bounds: per pixel → per word | ${ab.join(' / ')} | ${aa.join(' / ')} |`,
);
