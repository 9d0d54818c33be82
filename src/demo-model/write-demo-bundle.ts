// Writes the "demo" model bundle (synthetic color-world graphs + tokenizer + manifest) into a directory.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PALETTE } from './color-world.js';
import { buildDemoTokenizer, END_OF_TEXT } from './demo-tokenizer.js';
import { pcsDecoder, pcsTextEncoder, pcsVisionEncoder } from './pcs-graphs.js';
import { pvsDecoder, pvsVisionEncoder } from './pvs-graphs.js';
import { COLOR_COUNT } from './color-world.js';
import { memoryAttention, memoryEncoder, trackerDecoder } from './tracker-graphs.js';
import { writeNpz } from './npz-writer.js';

export const DEMO_LABEL = 'demo (synthetic, not SAM 3)';
/** Bumped whenever the generated graphs change, so cached bundles are rebuilt. */
export const DEMO_BUNDLE_VERSION = 6;

export interface DemoBundleOptions {
  /** Export resolution R (multiple of 14): 1008 like SAM 3, or e.g. 504 to prove nothing is hard-coded. */
  resolution?: number;
  /** Include the video memory-tracker graphs and constants (default true); without them video tracks by detection. */
  memoryTracker?: boolean;
}

/** The demo's `video_constants.npz`: zero no-memory embedding and position encoding, official sizes. */
function videoConstants(resolution: number): Uint8Array {
  const tokens = (resolution / 14) ** 2;
  return writeNpz({
    no_mem_embed_bchw: { shape: [1, COLOR_COUNT, 1, 1], data: new Float32Array(COLOR_COUNT) },
    current_vision_pos_embed: { shape: [tokens, 1, COLOR_COUNT], data: new Float32Array(tokens * COLOR_COUNT) },
    num_maskmem: { shape: [1], data: Float32Array.of(7) },
    max_obj_ptrs: { shape: [1], data: Float32Array.of(16) },
  });
}

/**
 * Writes `dir/{vision-encoder,text-encoder,geo-encoder-mask-decoder}.onnx`, `dir/onnx/{vision_encoder,
 * prompt_encoder_mask_decoder}.onnx`, `tokenizer.json` and `manifest.json`, and with the memory tracker
 * `dir/onnx/{image_decoder,memory_attention,memory_encoder}.onnx` and `video_constants.npz`. Skips the work when a
 * bundle of the same version and options is already there. Returns the directory.
 */
export async function writeDemoBundle(dir: string, options: DemoBundleOptions = {}): Promise<string> {
  const resolution = options.resolution ?? 1008;
  const memoryTracker = options.memoryTracker ?? true;
  const manifest = {
    name: 'demo',
    label: DEMO_LABEL,
    synthetic: true,
    generator_version: DEMO_BUNDLE_VERSION,
    resolution,
    memory_tracker: memoryTracker,
    // A closed vocabulary: the colours the synthetic graphs match (other words find nothing).
    vocabulary: PALETTE.map((c) => c.name),
  };
  try {
    const existing = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as typeof manifest;
    if (
      existing.generator_version === DEMO_BUNDLE_VERSION &&
      existing.resolution === resolution &&
      existing.memory_tracker === memoryTracker
    )
      return dir;
  } catch {
    // not there yet
  }
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const tokenizer = buildDemoTokenizer();
  const colorOfToken = new Map<number, number>();
  PALETTE.forEach((c, i) => colorOfToken.set(tokenizer.wordIds.get(c.name)!, i));
  const files: Array<[string, Uint8Array | string]> = [
    ['vision-encoder.onnx', pcsVisionEncoder(resolution)],
    ['text-encoder.onnx', pcsTextEncoder(colorOfToken, END_OF_TEXT + 1)],
    ['geo-encoder-mask-decoder.onnx', pcsDecoder(resolution)],
    ['onnx/vision_encoder.onnx', pvsVisionEncoder(resolution)],
    ['onnx/prompt_encoder_mask_decoder.onnx', pvsDecoder(resolution)],
    ['tokenizer.json', JSON.stringify(tokenizer.json)],
  ];
  const trackerFiles = [
    'onnx/image_decoder.onnx',
    'onnx/memory_attention.onnx',
    'onnx/memory_encoder.onnx',
    'video_constants.npz',
  ];
  if (!memoryTracker) for (const name of trackerFiles) await rm(join(dir, name), { force: true });
  if (memoryTracker) {
    files.push(
      ['onnx/image_decoder.onnx', trackerDecoder(resolution)],
      ['onnx/memory_attention.onnx', memoryAttention(resolution)],
      ['onnx/memory_encoder.onnx', memoryEncoder(resolution)],
      ['video_constants.npz', videoConstants(resolution)],
    );
  }
  for (const [name, content] of files) {
    const tmp = join(dir, `${name}.tmp-${process.pid}`);
    await writeFile(tmp, content);
    await rename(tmp, join(dir, name));
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
