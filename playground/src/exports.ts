// Downloads of the objects shown, in the formats the labelling tools import: COCO, YOLO-seg (class order in the
// status line), Label Studio tasks (brush predictions, the SAM template's `tag`/`image` names) and LabelMe /
// X-AnyLabeling JSON, built by the same code as `sam3 label` (src/masks/label-documents.ts).
import type { CocoRle } from '../../src/domain/encoded-mask.js';
import {
  cocoDocument,
  labelStudioTasks,
  labelmeDocument,
  yoloSegText,
  type LabelledImage,
} from '../../src/masks/label-documents.js';

export type ExportFormat = 'coco' | 'yolo-seg' | 'labelstudio' | 'labelme';

export interface ExportObject {
  label: string;
  score: number;
  area: number;
  box: [number, number, number, number];
  rle: CocoRle;
}

export interface ExportFile {
  name: string;
  type: string;
  text: string;
  /** Categories in class order (YOLO-seg class ids index this list). */
  categories: string[];
}

/** One image's objects as a file of `format`; `file` is the image's name (the tools find the image by it). */
export function exportObjects(
  format: ExportFormat,
  file: string,
  size: { width: number; height: number },
  objects: readonly ExportObject[],
): ExportFile {
  const categories = [...new Set(objects.map((o) => o.label))];
  const image: LabelledImage = {
    file,
    width: size.width,
    height: size.height,
    instances: objects.map((o) => ({
      category: o.label,
      score: o.score,
      rle: o.rle,
      bbox: [o.box[0], o.box[1], o.box[2] - o.box[0], o.box[3] - o.box[1]],
      area: o.area,
    })),
  };
  const stem = file.replace(/\.[^./]+$/, '');
  const json = (value: unknown, name: string): ExportFile => ({
    name,
    type: 'application/json',
    text: JSON.stringify(value, null, 1),
    categories,
  });
  if (format === 'coco') return json(cocoDocument([image], categories, 'sam3-server playground'), `${stem}.coco.json`);
  if (format === 'labelstudio') return json(labelStudioTasks([image], 'sam3-server:playground'), `${stem}.tasks.json`);
  if (format === 'labelme') return json(labelmeDocument(image), `${stem}.json`);
  return { name: `${stem}.txt`, type: 'text/plain', text: yoloSegText(image, categories), categories };
}
