// Contract detection and refusal: renamed or missing inputs, wrong dtypes, unknown graphs, corrupt/truncated files.
import { mkdtemp, readFile, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../demo-model/graph-builder.js';
import { demoBundle } from '../../../test/helpers/demo-bundles.js';
import { SamError } from '../../domain/errors.js';
import { loadModelBundle } from './model-bundle.js';
import { Sam3Model } from './sam3-model.js';

async function dirWith(files: Record<string, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sam3-bundle-'));
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  return dir;
}

function visionLike(inputName: string, inputType: 'float32' | 'int64' = 'float32'): Uint8Array {
  const g = new GraphBuilder('vision');
  const x = g.input(inputName, inputType, ['batch', 3, 28, 28]);
  const y = inputType === 'float32' ? x : g.op('Cast', [x], { to: 1 });
  for (const k of [0, 1, 2]) g.output(`image_embeddings.${k}`, 'float32', ['batch', 3, 28, 28], g.op('Identity', [y]));
  return g.build();
}

async function loadError(dir: string): Promise<SamError> {
  try {
    await loadModelBundle(dir);
  } catch (e) {
    if (e instanceof SamError) return e;
    throw e;
  }
  throw new Error('expected loadModelBundle to fail');
}

describe('contract detection', () => {
  it('detects every role of the demo bundle from tensor names', async () => {
    const bundle = await loadModelBundle(await demoBundle(1008));
    expect(Object.keys(bundle.graphs).sort()).toEqual([
      'memory-attention',
      'memory-encoder',
      'pcs-decoder',
      'pcs-text',
      'pcs-vision',
      'pvs-decoder',
      'pvs-vision',
      'tracker-decoder',
    ]);
    expect(bundle.label).toBe('demo (synthetic, not SAM 3)');
  });

  it('does not use file names: a renamed file keeps its role', async () => {
    const src = await demoBundle(1008);
    const dir = await dirWith({ 'whatever.onnx': await readFile(join(src, 'onnx/vision_encoder.onnx')) });
    expect(Object.keys((await loadModelBundle(dir)).graphs)).toEqual(['pvs-vision']);
  });

  it('refuses a renamed input, naming the missing and the unexpected tensor', async () => {
    const e = await loadError(await dirWith({ 'v.onnx': visionLike('pixels') }));
    expect(e.code).toBe('MODEL_CONTRACT_MISMATCH');
    expect(e.message).toMatch(/missing input 'pixel_values' \(float32, rank 4\)/);
    expect(e.message).toMatch(/unexpected input 'pixels' \(renamed\?\)/);
  });

  it('refuses a wrong dtype', async () => {
    const e = await loadError(await dirWith({ 'v.onnx': visionLike('pixel_values', 'int64') }));
    expect(e.message).toMatch(/input 'pixel_values' is int64, expected float32/);
  });

  it('refuses a graph that fits no contract, listing its tensors', async () => {
    const g = new GraphBuilder('other');
    g.output('y', 'float32', [1], g.input('x', 'float32', [1]));
    const e = await loadError(await dirWith({ 'other.onnx': g.build() }));
    expect(e.message).toMatch(
      /fits no supported SAM 3 graph contract \(inputs x:float32\[1\]; outputs y:float32\[1\]\)/,
    );
  });

  it('a corrupt or truncated .onnx file gives a clear error, not a crash', async () => {
    const good = await readFile(join(await demoBundle(1008), 'geo-encoder-mask-decoder.onnx'));
    for (const bytes of [new Uint8Array([1, 2, 3, 4, 5, 6, 7]), good.subarray(0, Math.floor(good.length / 2))]) {
      const e = await loadError(await dirWith({ 'decoder.onnx': bytes }));
      expect(e.code).toBe('MODEL_LOAD_FAILED');
      expect(e.message).toMatch(/ONNX Runtime could not open .*decoder\.onnx.*truncated/);
    }
  });

  it('an incomplete pipeline is refused with what is missing; an empty directory says where weights go', async () => {
    const src = await demoBundle(1008);
    const dir = await dirWith({});
    await cp(join(src, 'vision-encoder.onnx'), join(dir, 'vision-encoder.onnx'));
    await expect(Sam3Model.load(dir)).rejects.toThrow(/no complete SAM 3 pipeline \(graphs found: pcs-vision\)/);
    await expect(loadModelBundle(await dirWith({}))).rejects.toThrow(/No \.onnx graphs .*Getting real weights/);
  });

  it('selects dtype variants by suffix', async () => {
    const src = await demoBundle(1008);
    const v = await readFile(join(src, 'onnx/vision_encoder.onnx'));
    const dir = await dirWith({ 'onnx/vision_encoder_q4.onnx': v, 'onnx/vision_encoder.onnx': v });
    expect((await loadModelBundle(dir, { dtype: 'q4' })).graphs['pvs-vision']!.session.label).toMatch(/_q4\.onnx$/);
    expect((await loadModelBundle(dir)).graphs['pvs-vision']!.session.label).toMatch(/vision_encoder\.onnx$/);
    await expect(loadModelBundle(dir, { dtype: 'fp16' })).rejects.toThrow(/No fp16 graphs/);
  });
});
