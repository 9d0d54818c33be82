// Bundles laid out as the memory-tracker exporter writes them today: several decoder variants fitting one contract
// load (the first serves, a warning names the rest) instead of refusing the whole bundle; tracker graphs that cannot
// be used (no video_constants.npz) leave images working and video tracking by detection, with a warning.
import { copyFile, cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryAttention, trackerDecoder } from '../../src/demo-model/tracker-graphs.js';
import type { VideoFrameResult } from '../../src/domain/video.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { maskIou } from '../../src/masks/mask-ops.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';
import { Sam3Model } from '../../src/model/sam3/sam3-model.js';
import { StageTimings } from '../../src/domain/stage-timings.js';
import { limitMemories } from '../../src/model/sam3/attention-inputs.js';
import { demoBundle } from '../helpers/demo-bundles.js';

async function copyOfDemo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sam3-tracker-variants-'));
  await cp(await demoBundle(504), dir, { recursive: true });
  return dir;
}

describe('memory-tracker variants and gaps', () => {
  it('two decoders of one contract: the bundle loads with its tracker, a warning names the ignored one', async () => {
    const dir = await copyOfDemo();
    try {
      await copyFile(join(dir, 'onnx', 'image_decoder.onnx'), join(dir, 'onnx', 'image_decoder_multi.onnx'));
      const warnings: string[] = [];
      const model = await Sam3Model.load(dir, { onWarning: (m) => warnings.push(m) });
      expect(model.tracker).not.toBeNull();
      expect(model.info.concepts).not.toBeNull();
      expect(warnings.some((w) => /image_decoder_multi\.onnx also fits .* ignoring it/.test(w))).toBe(true);
      // The tracker graphs run with basic ORT optimisations (their exporter warns that 'all' changes outputs).
      const graphs = (
        model as unknown as { bundle: { graphs: Record<string, { session: { optimizationLevel: string } }> } }
      ).bundle.graphs;
      expect(graphs['tracker-decoder']!.session.optimizationLevel).toBe('basic');
      expect(graphs['memory-attention']!.session.optimizationLevel).toBe('basic');
      expect(graphs['pcs-vision']!.session.optimizationLevel).toBe('all');
      await model.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the exporter's single-mask decoder serves prompts of two or more points or a box, as Meta's _use_multimask", async () => {
    const dir = await copyOfDemo();
    try {
      // Profile-named files: the single-mask decoder of the profile in use serves, the other one is left out.
      await rename(join(dir, 'onnx', 'image_decoder.onnx'), join(dir, 'onnx', 'image_decoder_single.onnx'));
      for (const name of ['image_decoder_singlemask_multi.onnx', 'image_decoder_singlemask_single.onnx'])
        await copyFile(join(dir, 'onnx', 'image_decoder_single.onnx'), join(dir, 'onnx', name));
      const warnings: string[] = [];
      const model = await Sam3Model.load(dir, { onWarning: (m) => warnings.push(m) });
      expect(model.info.graphs.map((g) => g.role)).toContain('tracker-decoder-singlemask');
      expect(model.info.graphs.find((g) => g.role === 'tracker-decoder-singlemask')!.file).toBe(
        'image_decoder_singlemask_single.onnx',
      );
      expect(
        warnings.some((w) =>
          /image_decoder_singlemask_multi\.onnx also fits .* using image_decoder_singlemask_single/.test(w),
        ),
      ).toBe(true);
      const r = model.info.objects!.resolution;
      const pixels = Float32Array.from({ length: 3 * r * r }, (_, i) => ((i * 7919) % 255) / 127.5 - 1);
      const embedding = await model.encodeImage('objects', pixels, new StageTimings());
      const stageOf = async (prompt: Parameters<NonNullable<typeof model.tracker>['decode']>[2]) => {
        const timings = new StageTimings();
        await model.tracker!.decode(embedding, null, prompt, { width: r, height: r }, timings);
        return Object.keys(timings.toJSON());
      };
      const p = (x: number) => ({ x, y: 40, positive: true });
      expect(await stageOf({ points: [p(40)] })).toEqual(['tracker_decoder']);
      expect(await stageOf(null)).toEqual(['tracker_decoder']);
      expect(await stageOf({ points: [p(40), p(60)] })).toEqual(['tracker_decoder_singlemask']);
      expect(await stageOf({ box: { x0: 10, y0: 10, x1: 90, y1: 90 } })).toEqual(['tracker_decoder_singlemask']);
      await model.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the exporter's mask-prompt decoder (an extra mask_inputs) is left out with a warning; profile-named constants load", async () => {
    const dir = await copyOfDemo();
    try {
      await writeFile(join(dir, 'onnx', 'image_decoder_mask.onnx'), trackerDecoder(504, { maskInput: true }));
      await rename(join(dir, 'video_constants.npz'), join(dir, 'video_constants_single.npz'));
      const warnings: string[] = [];
      const model = await Sam3Model.load(dir, { onWarning: (m) => warnings.push(m) });
      expect(model.tracker).not.toBeNull();
      expect(
        warnings.some((w) => /image_decoder_mask\.onnx is not used: .*unexpected input 'mask_inputs'/.test(w)),
      ).toBe(true);
      await model.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tracker graphs without their constants: images and clicks work, video tracks by detection', async () => {
    const dir = await copyOfDemo();
    try {
      await rm(join(dir, 'video_constants.npz'));
      const warnings: string[] = [];
      const model = await Sam3Model.load(dir, { onWarning: (m) => warnings.push(m) });
      expect(model.tracker).toBeNull();
      expect(model.info.objects).not.toBeNull();
      expect(
        warnings.some((w) => /memory tracker unavailable, video tracks by detection: .*video_constants\.npz/.test(w)),
      ).toBe(true);
      await model.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('memory attention with static memory sizes (4 memories, 16 pointers) tracks a clicked object as the dynamic one does', async () => {
    const dir = await copyOfDemo();
    const work = await mkdtemp(join(tmpdir(), 'sam3-static-memory-'));
    try {
      await writeFile(join(dir, 'onnx', 'memory_attention.onnx'), memoryAttention(504, { memories: 4, pointers: 16 }));
      const video = await writeSyntheticVideo(join(work, 'clip.mp4'), {
        width: 160,
        height: 120,
        fps: 10,
        frames: 16,
        shapes: [linear(COLORS.red, 30, 26, [10, 10], [110, 70], 0, 15, 16)],
      });
      const bytes = new Uint8Array(await readFile(video.path));
      const track = async (modelDir: string): Promise<VideoFrameResult[]> => {
        const engine = await LocalEngine.create({ modelDir });
        try {
          const { id } = await engine.sessions.create({ bytes });
          await engine.sessions.prompt(id, { frameIndex: 0, points: [{ x: 25, y: 23, positive: true }] });
          const frames: VideoFrameResult[] = [];
          await engine.sessions.propagate(id, { direction: 'forward' }, { frame: (f) => void frames.push(f) });
          await engine.sessions.close(id);
          return frames;
        } finally {
          await engine.close();
        }
      };
      const staticFrames = await track(dir);
      const dynamicFrames = await track(await demoBundle(504));
      expect(staticFrames).toHaveLength(16);
      staticFrames.forEach((f, k) => {
        expect(f.objects.length, `frame ${k}`).toBe(dynamicFrames[k]!.objects.length);
        if (f.objects[0])
          expect(
            maskIou(decodeCocoRle(f.objects[0].rle), decodeCocoRle(dynamicFrames[k]!.objects[0]!.rle)),
            `frame ${k}`,
          ).toBeGreaterThanOrEqual(0.9);
      });
      expect(staticFrames.at(-1)!.objects).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);

  it('limits memories as the exporter does: latest conditioning, latest tracked, first conditioning, then by recency', () => {
    const m = (frame: number, conditioning: boolean) => ({ entry: { frame, conditioning }, tposIdx: 0 });
    const masks = [m(0, true), m(10, true), m(20, true), m(19, false), m(18, false), m(17, false), m(16, false)];
    const frames = (xs: typeof masks) => xs.map((x) => [x.entry.frame, x.entry.conditioning]);
    expect(frames(limitMemories(masks, 4))).toEqual([
      [0, true],
      [10, true],
      [20, true],
      [19, false],
    ]);
    expect(frames(limitMemories(masks, 3))).toEqual([
      [0, true],
      [20, true],
      [19, false],
    ]);
    expect(limitMemories(masks, 10)).toHaveLength(7);
  });
});
