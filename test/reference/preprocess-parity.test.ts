// The vision-encoder input against the reference pipelines (goldens from tools/reference/make_preprocess_goldens.py):
// decoding (EXIF rotation, alpha, 16-bit) as PIL reads the file, and the 1008² resize bit-exact with PIL's antialiased
// bilinear and within a level of torchvision's (what Hugging Face's and Meta's SAM 3 processors run), at sizes below
// and above 1008 on either side.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/media/image-decode.js';
import { resizeBilinear } from '../../src/media/resize-bilinear.js';
import { resizeRowsToPlanes } from '../../src/media/resize-simd.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'reference', 'preprocess');
interface Case {
  name: string;
  file: string;
  width: number;
  height: number;
  decoded_sha256: string;
  pil_sha256: string;
}
const manifest = JSON.parse(await readFile(join(DIR, 'manifest.json'), 'utf8')) as {
  resolution: number;
  cases: Case[];
};
const R = manifest.resolution;
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('model input vs the reference pipelines', () => {
  for (const c of manifest.cases) {
    it(`${c.name}: decoded like PIL, resized bit-exact with PIL and within torchvision's tolerance`, async () => {
      const decoded = await decodeImage(await readFile(join(DIR, c.file)));
      expect([decoded.width, decoded.height]).toEqual([c.width, c.height]);
      expect(sha(decoded.data), 'decoded pixels differ from PIL').toBe(c.decoded_sha256);
      const resized = resizeBilinear(decoded, R, R);
      expect(sha(resized.data), 'resize differs from PIL BILINEAR').toBe(c.pil_sha256);
      // The WebAssembly SIMD kernel the engine runs, as planes: interleaved again, the same PIL bytes.
      const planes = new Uint8Array(3 * R * R);
      resizeRowsToPlanes(decoded, R, R, 0, R, planes);
      const interleaved = new Uint8Array(3 * R * R);
      for (let p = 0; p < R * R; p++) for (let ch = 0; ch < 3; ch++) interleaved[p * 3 + ch] = planes[ch * R * R + p]!;
      expect(sha(interleaved), 'the SIMD resize differs from PIL BILINEAR').toBe(c.pil_sha256);
      const { data: torch } = await sharp(join(DIR, `${c.name}.torch.png`))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      let sum = 0;
      let max = 0;
      for (let i = 0; i < torch.length; i++) {
        const d = Math.abs(torch[i]! - resized.data[i]!);
        sum += d;
        if (d > max) max = d;
      }
      expect(sum / torch.length).toBeLessThanOrEqual(0.5);
      expect(max).toBeLessThanOrEqual(2);
    });
  }
});
