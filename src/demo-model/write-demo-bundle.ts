// Writes the "demo" model bundle (synthetic color-world graphs + tokenizer + manifest) into a directory.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PALETTE } from './color-world.js';
import { buildDemoTokenizer, END_OF_TEXT } from './demo-tokenizer.js';
import { pcsDecoder, pcsTextEncoder, pcsVisionEncoder } from './pcs-graphs.js';
import { pvsDecoder, pvsVisionEncoder } from './pvs-graphs.js';

export const DEMO_LABEL = 'demo (synthetic, not SAM 3)';
/** Bumped whenever the generated graphs change, so cached bundles are rebuilt. */
export const DEMO_BUNDLE_VERSION = 4;

export interface DemoBundleOptions {
  /** Export resolution R (multiple of 14): 1008 like SAM 3, or e.g. 504 to prove nothing is hard-coded. */
  resolution?: number;
}

/**
 * Writes `dir/{vision-encoder,text-encoder,geo-encoder-mask-decoder}.onnx`, `dir/onnx/{vision_encoder,
 * prompt_encoder_mask_decoder}.onnx`, `tokenizer.json` and `manifest.json`. Skips the work when a bundle of the
 * same version and resolution is already there. Returns the directory.
 */
export async function writeDemoBundle(dir: string, options: DemoBundleOptions = {}): Promise<string> {
  const resolution = options.resolution ?? 1008;
  const manifest = { name: 'demo', label: DEMO_LABEL, synthetic: true, generator_version: DEMO_BUNDLE_VERSION, resolution };
  try {
    const existing = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as typeof manifest;
    if (existing.generator_version === DEMO_BUNDLE_VERSION && existing.resolution === resolution) return dir;
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
  for (const [name, content] of files) {
    const tmp = join(dir, `${name}.tmp-${process.pid}`);
    await writeFile(tmp, content);
    await rename(tmp, join(dir, name));
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
