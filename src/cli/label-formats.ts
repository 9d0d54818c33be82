// `sam3 label` outputs from the per-image records: a COCO instance-segmentation file (RLE segmentation, area, bbox,
// score; loads with pycocotools), YOLO-seg label files with classes.txt, Label Studio tasks with predictions, and
// LabelMe / X-AnyLabeling JSON beside each image name. The documents are built in masks/label-documents.ts.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import {
  cocoDocument,
  labelStudioTasks,
  labelmeDocument,
  yoloSegText,
  type LabelledImage,
} from '../masks/label-documents.js';

export type LabelFormat = 'coco' | 'yolo-seg' | 'labelstudio' | 'labelme';
export const LABEL_FORMATS: readonly LabelFormat[] = ['coco', 'yolo-seg', 'labelstudio', 'labelme'];

/** One labelled image, as stored after it is done (the unit of resuming); `file` is relative to its input. */
export type ImageRecord = LabelledImage;

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
  await writeAtomic(path, `${JSON.stringify(cocoDocument(records, categories, 'sam3-server sam3 label'))}\n`);
}

/** YOLO-seg: `labels/<stem>.txt` per image (one line per outer ring, normalised), classes.txt in class order. */
export async function writeYoloSeg(
  dir: string,
  records: readonly ImageRecord[],
  categories: readonly string[],
): Promise<void> {
  await mkdir(join(dir, 'labels'), { recursive: true });
  for (const r of records) {
    const stem = basename(r.file, extname(r.file));
    await writeAtomic(join(dir, 'labels', `${stem}.txt`), yoloSegText(r, categories));
  }
  await writeAtomic(join(dir, 'classes.txt'), `${categories.join('\n')}\n`);
}

/** Label Studio tasks ready to import, each with the instances as brush predictions. */
export async function writeLabelStudioTasks(
  path: string,
  records: readonly ImageRecord[],
  modelVersion: string,
): Promise<void> {
  await writeAtomic(path, `${JSON.stringify(labelStudioTasks(records, modelVersion))}\n`);
}

/** LabelMe / X-AnyLabeling: `<dir>/<file without extension>.json` per image, `imagePath` the image's name. */
export async function writeLabelme(dir: string, records: readonly ImageRecord[]): Promise<string[]> {
  const written: string[] = [];
  for (const r of records) {
    // A file given by a path outside the output's tree (absolute, or through ..) lands at the top of `dir`.
    const inside = !isAbsolute(r.file) && !r.file.split(/[\\/]/).includes('..');
    const path = join(dir, inside ? dirname(r.file) : '.', `${basename(r.file, extname(r.file))}.json`);
    await mkdir(dirname(path), { recursive: true });
    await writeAtomic(path, `${JSON.stringify({ ...labelmeDocument(r), imagePath: basename(r.file) }, null, 1)}\n`);
    written.push(path);
  }
  return written;
}
