// Graphs that take and return float16 tensors (as some published `-fp16` variants may): the host converts its float32
// feeds and the outputs at the graph boundary. The fixture is the demo bundle with every float32 input and output of
// every graph turned into float16 by Cast nodes at the edges; results must match the float32 bundle.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { maskIou } from '../../src/masks/mask-ops.js';
import { float16ToFloat32, float32ToFloat16, fromHalfBits, toHalfBits } from '../../src/model/ort/float16.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng } from '../helpers/scenes.js';

const { onnx } = onnxProto;
const FLOAT = 1;
const FLOAT16 = 10;
let dir: string;

/** Makes a graph's float32 interface float16: Cast nodes after each such input and before each such output. */
async function toHalfIo(path: string): Promise<void> {
  const model = onnx.ModelProto.decode(await readFile(path));
  const graph = model.graph!;
  const casts: Array<InstanceType<typeof onnx.NodeProto>> = [];
  for (const input of graph.input!) {
    if (input.type!.tensorType!.elemType !== FLOAT) continue;
    const inner = `${input.name}__f32`;
    for (const node of graph.node!) node.input = node.input!.map((n) => (n === input.name ? inner : n));
    for (const out of graph.output!) if (out.name === input.name) throw new Error('pass-through graph');
    casts.push(
      onnx.NodeProto.create({
        opType: 'Cast',
        input: [input.name!],
        output: [inner],
        attribute: [onnx.AttributeProto.create({ name: 'to', type: 2, i: FLOAT })],
      }),
    );
    input.type!.tensorType!.elemType = FLOAT16;
  }
  const tail: Array<InstanceType<typeof onnx.NodeProto>> = [];
  for (const output of graph.output!) {
    if (output.type!.tensorType!.elemType !== FLOAT) continue;
    const inner = `${output.name}__f32`;
    for (const node of graph.node!) node.output = node.output!.map((n) => (n === output.name ? inner : n));
    for (const node of graph.node!) node.input = node.input!.map((n) => (n === output.name ? inner : n));
    tail.push(
      onnx.NodeProto.create({
        opType: 'Cast',
        input: [inner],
        output: [output.name!],
        attribute: [onnx.AttributeProto.create({ name: 'to', type: 2, i: FLOAT16 })],
      }),
    );
    output.type!.tensorType!.elemType = FLOAT16;
  }
  graph.node = [...casts, ...graph.node!, ...tail];
  await writeFile(path, onnx.ModelProto.encode(model).finish());
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-fp16io-'));
  await cp(await demoBundle(504, { memoryTracker: false }), dir, { recursive: true });
  for (const file of [
    'vision-encoder.onnx',
    'text-encoder.onnx',
    'geo-encoder-mask-decoder.onnx',
    ...(await readdir(join(dir, 'onnx'))).map((f) => join('onnx', f)),
  ]) {
    if (file.endsWith('.onnx')) await toHalfIo(join(dir, file));
  }
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('float16 graph I/O', () => {
  it('converts float32 ↔ float16 exactly where representable and rounds to nearest even', () => {
    for (const v of [0, -0, 1, -2.5, 65504, 2 ** -24, 2 ** -14, 0.333251953125])
      expect(fromHalfBits(toHalfBits(v))).toBe(v);
    expect(toHalfBits(1 + 2 ** -11)).toBe(toHalfBits(1)); // a tie rounds to the even mantissa
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(toHalfBits(1) + 2);
    expect(fromHalfBits(toHalfBits(1e6))).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(fromHalfBits(toHalfBits(Number.NaN)))).toBe(true);
    expect(Array.from(float16ToFloat32(float32ToFloat16(Float32Array.from([0.5, -8, 1024]))))).toEqual([0.5, -8, 1024]);
  });

  it('a bundle whose graphs all take and return float16 loads and segments like the float32 one', async () => {
    const image = await encodePng(
      drawScene(320, 240, [
        { kind: 'rect', color: RED, x0: 30, y0: 40, x1: 150, y1: 160 },
        { kind: 'ellipse', color: BLUE, cx: 230, cy: 130, rx: 50, ry: 60 },
      ]),
    );
    const request = {
      image,
      concepts: [{ text: 'red' }, { text: 'blue' }],
      objects: [{ points: [{ x: 230, y: 130, positive: true }] }],
    };
    const half = await LocalEngine.create({ modelDir: dir });
    const full = await LocalEngine.create({ modelDir: await demoBundle(504, { memoryTracker: false }) });
    try {
      const a = await half.segment(request);
      const b = await full.segment(request);
      expect(a.concepts.map((c) => c.instances.length)).toEqual(b.concepts.map((c) => c.instances.length));
      a.concepts.forEach((c, k) =>
        c.instances.forEach((inst, i) => {
          const ref = b.concepts[k]!.instances[i]!;
          expect(inst.score).toBeCloseTo(ref.score, 2);
          expect(maskIou(inst.mask, ref.mask)).toBeGreaterThan(0.98);
        }),
      );
      expect(maskIou(a.objects[0]!.candidates[0]!.mask, b.objects[0]!.candidates[0]!.mask)).toBeGreaterThan(0.98);
    } finally {
      await half.close();
      await full.close();
    }
  });
});
