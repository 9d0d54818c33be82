// `sam3 label` on the demo model: COCO with pycocotools-exact RLE matching the drawn shapes, YOLO-seg and Label Studio
// outputs, resuming (a rerun skips finished images; a failed image is retried), and clear errors before any work.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLabel } from '../../src/cli/label.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { fillPolygons } from '../../src/masks/fill-rings.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { decodeLabelStudioRle } from '../helpers/labelstudio-rle-decoder.js';
import { BLUE, RED, drawScene, encodePng, iou, type Scene } from '../helpers/scenes.js';

let modelDir: string;
const settings = () => ({
  model: modelDir,
  device: 'cpu' as const,
  dtype: 'fp32' as const,
  threads: 0,
  cacheDir: tmpdir(),
});
const scenes: Scene[] = [];
let images: string;

interface Coco {
  images: Array<{ id: number; file_name: string; width: number; height: number }>;
  annotations: Array<{
    id: number;
    image_id: number;
    category_id: number;
    segmentation: { size: [number, number]; counts: string };
    area: number;
    bbox: number[];
    iscrowd: number;
    score: number;
  }>;
  categories: Array<{ id: number; name: string }>;
}

beforeAll(async () => {
  modelDir = await demoBundle(504);
  images = await mkdtemp(join(tmpdir(), 'sam3-label-in-'));
  await mkdir(join(images, 'sub'));
  scenes.push(
    drawScene(160, 120, [{ kind: 'rect', color: RED, x0: 10, y0: 20, x1: 70, y1: 90 }]),
    drawScene(200, 100, [
      { kind: 'rect', color: RED, x0: 120, y0: 10, x1: 180, y1: 60 },
      { kind: 'ellipse', color: BLUE, cx: 50, cy: 50, rx: 30, ry: 25 },
    ]),
    drawScene(96, 96, [{ kind: 'ellipse', color: BLUE, cx: 48, cy: 48, rx: 30, ry: 20 }]),
  );
  await writeFile(join(images, 'a.png'), await encodePng(scenes[0]!));
  await writeFile(join(images, 'b.png'), await encodePng(scenes[1]!));
  await writeFile(join(images, 'sub', 'c.png'), await encodePng(scenes[2]!));
  await writeFile(join(images, 'notes.txt'), 'not an image');
}, 60_000);

describe('sam3 label', () => {
  it('writes COCO whose RLE masks, boxes and areas match the drawn shapes; a rerun skips every image', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sam3-label-out-'));
    const lines: string[] = [];
    const first = await runLabel([images], { text: 'red, blue', out }, settings(), (l) => lines.push(l));
    expect(first).toMatchObject({ labelled: 3, skipped: 0, failed: 0 });
    const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as Coco;
    expect(coco.categories).toEqual([
      { id: 1, name: 'red', supercategory: 'object' },
      { id: 2, name: 'blue', supercategory: 'object' },
    ]);
    expect(coco.images.map((i) => [i.file_name, i.width, i.height])).toEqual([
      ['a.png', 160, 120],
      ['b.png', 200, 100],
      [join('sub', 'c.png'), 96, 96],
    ]);
    // One annotation per drawn shape, each on its image with its colour's category.
    const expected: Array<[number, number, number]> = [
      [1, 1, 0],
      [2, 1, 0],
      [2, 2, 1],
      [3, 2, 0],
    ];
    expect(coco.annotations.map((a) => [a.image_id, a.category_id]).sort()).toEqual(
      expected.map(([i, c]) => [i, c]).sort(),
    );
    for (const [imageId, categoryId, shape] of expected) {
      const a = coco.annotations.find((x) => x.image_id === imageId && x.category_id === categoryId)!;
      const mask = decodeCocoRle(a.segmentation);
      const truth = scenes[imageId - 1]!.masks[shape]!;
      expect(iou(mask, truth)).toBeGreaterThanOrEqual(0.9);
      expect(a.area).toBe(mask.data.reduce((n, v) => n + v, 0));
      expect(a.iscrowd).toBe(0);
      // pycocotools' toBbox of the mask: its tight box as [x, y, width, height].
      const cols = [...mask.data.keys()].filter((i) => mask.data[i]).map((i) => i % mask.width);
      const rows = [...mask.data.keys()].filter((i) => mask.data[i]).map((i) => Math.floor(i / mask.width));
      expect(a.bbox).toEqual([
        Math.min(...cols),
        Math.min(...rows),
        Math.max(...cols) - Math.min(...cols) + 1,
        Math.max(...rows) - Math.min(...rows) + 1,
      ]);
    }
    expect(new Set(coco.annotations.map((a) => a.id)).size).toBe(coco.annotations.length);

    const again = await runLabel([images], { text: 'red, blue', out }, settings(), () => {});
    expect(again).toMatchObject({ labelled: 0, skipped: 3 });
    expect(JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8'))).toMatchObject({
      annotations: coco.annotations.map((a) => ({ id: a.id, segmentation: a.segmentation })),
    });
    // Other prompts are another labelling: nothing is skipped.
    expect(await runLabel([images], { text: 'blue', out }, settings(), () => {})).toMatchObject({
      labelled: 3,
      skipped: 0,
    });
  });

  it('a failed image is reported and retried by the next run, which labels only it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-label-bad-'));
    await writeFile(join(dir, 'a.png'), await encodePng(scenes[0]!));
    await writeFile(join(dir, 'broken.png'), 'not a png at all');
    const out = await mkdtemp(join(tmpdir(), 'sam3-label-out-'));
    const lines: string[] = [];
    expect(await runLabel([dir], { text: 'red', out }, settings(), (l) => lines.push(l))).toMatchObject({
      labelled: 1,
      failed: 1,
    });
    expect(lines.some((l) => /^skipped broken\.png: IMAGE_DECODE_FAILED/.test(l))).toBe(true);
    await writeFile(join(dir, 'broken.png'), await encodePng(scenes[2]!));
    expect(await runLabel([dir], { text: 'red', out }, settings(), () => {})).toMatchObject({
      labelled: 1,
      skipped: 1,
      failed: 0,
    });
  });

  it('writes YOLO-seg labels with classes.txt, and Label Studio tasks with brush predictions', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sam3-label-out-'));
    await runLabel([join(images, 'b.png')], { text: 'red, blue', out, format: 'yolo-seg' }, settings(), () => {});
    expect(await readFile(join(out, 'classes.txt'), 'utf8')).toBe('red\nblue\n');
    const lines = (await readFile(join(out, 'labels', 'b.txt'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['0', '1']);
    for (const line of lines) {
      const coords = line.split(' ').slice(1).map(Number);
      expect(coords.length % 2).toBe(0);
      expect(coords.length).toBeGreaterThanOrEqual(6);
      expect(coords.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    const red = lines
      .find((l) => l.startsWith('0 '))!
      .split(' ')
      .slice(1)
      .map(Number);
    const xs = red.filter((_, i) => i % 2 === 0).map((v) => v * 200);
    expect(Math.min(...xs)).toBeCloseTo(120, -1);
    expect(Math.max(...xs)).toBeCloseTo(179, -1);

    const ls = await mkdtemp(join(tmpdir(), 'sam3-label-out-'));
    await runLabel(
      [join(images, 'b.png')],
      { text: 'red, blue', out: ls, format: 'labelstudio' },
      settings(),
      () => {},
    );
    const tasks = JSON.parse(await readFile(join(ls, 'tasks.json'), 'utf8')) as Array<{
      data: { image: string };
      predictions: Array<{ result: Array<{ type: string; value: { rle: number[]; brushlabels: string[] } }> }>;
    }>;
    expect(tasks).toHaveLength(1);
    const result = tasks[0]!.predictions[0]!.result;
    expect(result.map((r) => r.value.brushlabels[0]).sort()).toEqual(['blue', 'red']);
    const blue = result.find((r) => r.value.brushlabels[0] === 'blue')!;
    expect(
      iou({ width: 200, height: 100, data: decodeLabelStudioRle(blue.value.rle, 200, 100) }, scenes[1]!.masks[1]!),
    ).toBeGreaterThanOrEqual(0.9);
    await rm(ls, { recursive: true, force: true });
    expect((await readdir(out)).sort()).toEqual(['.sam3-label', 'classes.txt', 'labels']);

    // LabelMe / X-AnyLabeling: b.json beside the image name, one polygon per instance, grouped by instance.
    const lm = await mkdtemp(join(tmpdir(), 'sam3-label-out-'));
    await runLabel([join(images, 'b.png')], { text: 'red, blue', out: lm, format: 'labelme' }, settings(), () => {});
    const doc = JSON.parse(await readFile(join(lm, 'b.json'), 'utf8')) as {
      imagePath: string;
      imageData: null;
      imageWidth: number;
      imageHeight: number;
      shapes: Array<{ label: string; shape_type: string; points: number[][]; group_id: number }>;
    };
    expect(doc).toMatchObject({ imagePath: 'b.png', imageData: null, imageWidth: 200, imageHeight: 100 });
    expect(doc.shapes.map((x) => [x.label, x.shape_type]).sort()).toEqual([
      ['blue', 'polygon'],
      ['red', 'polygon'],
    ]);
    const bluePolygon = doc.shapes
      .find((x) => x.label === 'blue')!
      .points.map(([x, y]) => [x!, y!] as [number, number]);
    expect(
      iou(fillPolygons([{ outer: bluePolygon, holes: [] }], 200, 100), scenes[1]!.masks[1]!),
    ).toBeGreaterThanOrEqual(0.9);
    await rm(lm, { recursive: true, force: true });
  });

  it('--everything labels every shape as "object", with or without concepts', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sam3-label-out-'));
    await runLabel([join(images, 'b.png')], { everything: true, out }, settings(), () => {});
    const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as Coco;
    expect(coco.categories.map((c) => c.name)).toEqual(['object']);
    expect(coco.annotations).toHaveLength(2);
    for (const [k, truth] of scenes[1]!.masks.entries())
      expect(
        coco.annotations.some((a) => iou(decodeCocoRle(a.segmentation), truth) >= 0.9),
        `shape ${k}`,
      ).toBe(true);
  });

  it('refuses missing prompts, an unknown format, no output directory and inputs without images, before loading a model', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sam3-label-out-'));
    const s = { ...settings(), model: '/nonexistent-model-dir' };
    await expect(runLabel([images], { out }, s, () => {})).rejects.toMatchObject({ details: { field: '--text' } });
    await expect(runLabel([images], { text: 'x', out, format: 'voc' }, s, () => {})).rejects.toMatchObject({
      details: { field: '--format' },
    });
    await expect(runLabel([images], { text: 'x' }, s, () => {})).rejects.toMatchObject({ details: { field: '--out' } });
    const empty = await mkdtemp(join(tmpdir(), 'sam3-label-empty-'));
    await expect(runLabel([empty], { text: 'x', out }, s, () => {})).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
    await expect(runLabel(['/nonexistent/dir'], { text: 'x', out }, s, () => {})).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
    });
  });
});
