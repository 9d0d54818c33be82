// Labelled images → the files labelling tools import: COCO instance segmentation (RLE, area, bbox, score), YOLO-seg
// lines, Label Studio tasks with brush predictions, and LabelMe / X-AnyLabeling JSON (one polygon per outer ring).
// Pure: the CLI writes these to disk, the playground offers them as downloads.
import type { CocoRle } from '../domain/encoded-mask.js';
import { decodeCocoRle } from './coco-rle.js';
import { encodeLabelStudioRle } from './labelstudio-rle.js';
import { maskToOuterPolygons } from './polygons.js';

/** One labelled image: its file name, size and instances (COCO RLE, `[x, y, w, h]` box, pixel area). */
export interface LabelledImage {
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

export function cocoDocument(images: readonly LabelledImage[], categories: readonly string[], description: string) {
  const categoryId = new Map(categories.map((name, i) => [name, i + 1]));
  let annotationId = 0;
  return {
    info: { description, date_created: new Date().toISOString() },
    images: images.map((r, i) => ({ id: i + 1, file_name: r.file, width: r.width, height: r.height })),
    annotations: images.flatMap((r, i) =>
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
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Outer rings of at least 3 points, the largest first within each instance's list as traced. */
const rings = (rle: CocoRle) => maskToOuterPolygons(decodeCocoRle(rle)).filter((ring) => ring.length >= 3);

/** YOLO-seg: one line per outer ring of each instance, `class x1 y1 x2 y2 …` normalised; class = index in categories. */
export function yoloSegText(image: LabelledImage, categories: readonly string[]): string {
  const classOf = new Map(categories.map((name, i) => [name, i]));
  const lines: string[] = [];
  for (const x of image.instances)
    for (const ring of rings(x.rle)) {
      const coords = ring.flatMap(([px, py]) => [round6(px / image.width), round6(py / image.height)]);
      lines.push([classOf.get(x.category)!, ...coords].join(' '));
    }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Label Studio tasks ready to import, each with the instances as brush predictions (`from_name` tag, `to_name` image). */
export function labelStudioTasks(images: readonly LabelledImage[], modelVersion: string) {
  return images.map((r) => {
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
}

/**
 * LabelMe JSON, which X-AnyLabeling reads and writes beside each image (`<stem>.json`, `imagePath` relative to it):
 * one polygon shape per outer ring, all rings of one instance sharing a `group_id`.
 */
export function labelmeDocument(image: LabelledImage, version = '5.0.0') {
  return {
    version,
    flags: {},
    shapes: image.instances.flatMap((x, k) =>
      rings(x.rle).map((ring) => ({
        label: x.category,
        score: x.score,
        points: ring.map(([px, py]) => [px, py]),
        group_id: k + 1,
        description: '',
        difficult: false,
        shape_type: 'polygon',
        flags: {},
        attributes: {},
        kie_linking: [],
      })),
    ),
    imagePath: image.file,
    imageData: null,
    imageHeight: image.height,
    imageWidth: image.width,
  };
}
