// `sam3 label` outputs from the per-image records: a COCO instance-segmentation file (RLE segmentation, area, bbox,
// score; loads with pycocotools), YOLO-seg label files with classes.txt, and Label Studio tasks with predictions.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { CocoRle } from '../domain/encoded-mask.js';
import { decodeCocoRle } from '../masks/coco-rle.js';
import { encodeLabelStudioRle } from '../masks/labelstudio-rle.js';
import { maskToOuterPolygons } from '../masks/polygons.js';

export type LabelFormat = 'coco' | 'yolo-seg' | 'labelstudio';
export const LABEL_FORMATS: readonly LabelFormat[] = ['coco', 'yolo-seg', 'labelstudio'];

/** One labelled image, as stored after it is done (the unit of resuming). */
export interface ImageRecord {
  /** The image path as given, relative to the input it was found under. */
  file: string;
  width: number;
  height: number;
  instances: Array<{
    category: string;
    score: number;
    rle: CocoRle;
    bbox: [number, number, number, number];
    area: number;
  }>;
}

/** Writes `text` to `path` through a temporary file, so a reader never sees half a file. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

export async function writeCoco(
  path: string,
  records: readonly ImageRecord[],
  categories: readonly string[],
): Promise<void> {
  const categoryId = new Map(categories.map((name, i) => [name, i + 1]));
  let annotationId = 0;
  const coco = {
    info: { description: 'sam3-server sam3 label', date_created: new Date().toISOString() },
    images: records.map((r, i) => ({ id: i + 1, file_name: r.file, width: r.width, height: r.height })),
    annotations: records.flatMap((r, i) =>
      r.instances.map((x) => ({
        id: ++annotationId,
        image_id: i + 1,
        category_id: categoryId.get(x.category)!,
        segmentation: x.rle,
        area: x.area,
        bbox: x.bbox,
        iscrowd: 0,
        score: x.score,
      })),
    ),
    categories: categories.map((name, i) => ({ id: i + 1, name, supercategory: 'object' })),
  };
  await writeAtomic(path, `${JSON.stringify(coco)}\n`);
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** YOLO-seg: one line per outer ring of each instance, `class x1 y1 x2 y2 …` normalised; classes.txt in class order. */
export async function writeYoloSeg(
  dir: string,
  records: readonly ImageRecord[],
  categories: readonly string[],
): Promise<void> {
  await mkdir(join(dir, 'labels'), { recursive: true });
  const classOf = new Map(categories.map((name, i) => [name, i]));
  for (const r of records) {
    const lines: string[] = [];
    for (const x of r.instances) {
      for (const ring of maskToOuterPolygons(decodeCocoRle(x.rle))) {
        if (ring.length < 3) continue;
        const coords = ring.flatMap(([px, py]) => [round6(px / r.width), round6(py / r.height)]);
        lines.push([classOf.get(x.category)!, ...coords].join(' '));
      }
    }
    const stem = basename(r.file, extname(r.file));
    await writeAtomic(join(dir, 'labels', `${stem}.txt`), lines.length ? `${lines.join('\n')}\n` : '');
  }
  await writeAtomic(join(dir, 'classes.txt'), `${categories.join('\n')}\n`);
}

/** Label Studio tasks ready to import, each with the instances as brush predictions (`from_name` tag, `to_name` image). */
export async function writeLabelStudioTasks(
  path: string,
  records: readonly ImageRecord[],
  modelVersion: string,
): Promise<void> {
  const tasks = records.map((r) => {
    const result = r.instances.map((x, k) => ({
      id: `r${k + 1}`,
      from_name: 'tag',
      to_name: 'image',
      type: 'brushlabels',
      original_width: r.width,
      original_height: r.height,
      image_rotation: 0,
      score: x.score,
      value: { format: 'rle', rle: encodeLabelStudioRle(decodeCocoRle(x.rle)), brushlabels: [x.category] },
    }));
    const score = result.length ? result.reduce((s, x) => s + x.score, 0) / result.length : 0;
    return { data: { image: r.file }, predictions: [{ model_version: modelVersion, score, result }] };
  });
  await writeAtomic(path, `${JSON.stringify(tasks)}\n`);
}
