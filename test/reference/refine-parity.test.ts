// SAM's interactive refinement (the previous click's logits as the decoder's mask prompt) against transformers on the
// tiny real architecture: tools/reference/make_video_goldens.py decoded a click on frame 0 of the fixture clip, then
// that click and a negative one with the first decode's best low-res logits as input_masks (transformers' prompt
// encoder and mask decoder), and the same two clicks without them. sam3-server must give the refined mask when the
// second request asks to refine (`refinePrevious`, what the Label Studio backend and the playground send), the plain
// one when it does not, and Label Studio's second click must answer with the refined mask.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import type { ObjectPrompt } from '../../src/domain/prompts.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { buildApp } from '../../src/http/app.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { maskIou } from '../../src/masks/mask-ops.js';
import { TEST_LIMITS } from '../helpers/build-app.js';
import { decodeLabelStudioRle } from '../helpers/labelstudio-rle-decoder.js';

const BUNDLE = join(import.meta.dirname, '..', 'fixtures', 'reference', 'tiny-sam3-video');
const LS_CONFIG = join(import.meta.dirname, '..', 'http', 'labelstudio', 'fixtures', 'sam-config.xml');

type Rle = { size: [number, number]; counts: string };
interface Refinement {
  first: { points: number[][]; labels: number[]; iou: number };
  second: { points: number[][]; labels: number[]; iou: number; rle: Rle };
  secondWithoutPrevious: { rle: Rle };
}

let engine: LocalEngine;
let golden: Refinement;
let png: Buffer;
let size: number;

beforeAll(async () => {
  const goldens = JSON.parse(await readFile(join(BUNDLE, 'goldens.json'), 'utf8')) as {
    resolution: number;
    refinement: Refinement;
  };
  golden = goldens.refinement;
  size = goldens.resolution;
  png = await readFile(join(BUNDLE, 'clip', 'frame-00.png'));
  engine = await LocalEngine.create({ modelDir: BUNDLE });
});
afterAll(async () => engine?.close());

const prompt = (points: number[][], labels: number[], refinePrevious: boolean): ObjectPrompt => ({
  points: points.map(([x, y], i) => ({ x: x!, y: y!, positive: labels[i] === 1 })),
  ...(refinePrevious ? { refinePrevious: true } : {}),
});

async function objectMask(imageId: string, object: ObjectPrompt): Promise<{ mask: BinaryMask; score: number }> {
  const result = await engine.segment({ image: png, imageId, objects: [object] });
  const best = result.objects[0]!.candidates[0]!;
  return { mask: best.mask, score: best.score };
}

describe('interactive refinement against transformers (tiny real architecture)', () => {
  it('the goldens differ with and without the previous mask (the refinement changes the answer)', () => {
    const iou = maskIou(decodeCocoRle(golden.second.rle), decodeCocoRle(golden.secondWithoutPrevious.rle));
    expect(iou).toBeLessThan(0.99);
  });

  it('the second click refines the first click’s mask: IoU ≥ 0.99 with the reference, predicted IoU within 1e-3', async () => {
    const id = 'refine-a';
    await objectMask(id, prompt(golden.first.points, golden.first.labels, true));
    const refined = await objectMask(id, prompt(golden.second.points, golden.second.labels, true));
    expect(maskIou(refined.mask, decodeCocoRle(golden.second.rle))).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(refined.score - golden.second.iou)).toBeLessThan(1e-3);
    // Without asking, the plain decode answers.
    const plain = await objectMask(id, prompt(golden.second.points, golden.second.labels, false));
    expect(maskIou(plain.mask, decodeCocoRle(golden.secondWithoutPrevious.rle))).toBeGreaterThanOrEqual(0.99);
  });

  it('Label Studio: the second keypoint request answers with the refined mask', async () => {
    const app = await buildApp({
      engine,
      limits: { ...TEST_LIMITS, maxBodyBytes: 4 * 1024 * 1024, maxImageBytes: 4 * 1024 * 1024 },
      version: 'test',
    });
    try {
      const config = await readFile(LS_CONFIG, 'utf8');
      const keypoint = ([x, y]: number[], label: number, i: number) => ({
        original_width: size,
        original_height: size,
        image_rotation: 0,
        value: { x: (x! / size) * 100, y: (y! / size) * 100, width: 0.5, keypointlabels: ['red'] },
        is_positive: label === 1,
        id: `kp${i}`,
        from_name: 'tag2',
        to_name: 'image',
        type: 'keypointlabels',
        origin: 'manual',
      });
      const predict = async (points: number[][], labels: number[]) => {
        const response = await app.inject({
          method: 'POST',
          url: '/labelstudio/predict',
          payload: {
            tasks: [{ id: 11, data: { image: `data:image/png;base64,${png.toString('base64')}` } }],
            label_config: config,
            params: { context: { result: points.map((p, i) => keypoint(p, labels[i]!, i)) } },
          },
        });
        expect(response.statusCode).toBe(200);
        const region = (response.json() as { results: Array<{ result: Array<{ value: { rle: number[] } }> }> })
          .results[0]!.result[0]!;
        return { width: size, height: size, data: decodeLabelStudioRle(region.value.rle, size, size) };
      };
      // Label Studio sends coordinates in percent: the clicks land within a hundredth of a pixel of the goldens'.
      await predict(golden.first.points, golden.first.labels);
      const second = await predict(golden.second.points, golden.second.labels);
      expect(maskIou(second, decodeCocoRle(golden.second.rle))).toBeGreaterThanOrEqual(0.99);
    } finally {
      await app.close();
    }
  });
});
