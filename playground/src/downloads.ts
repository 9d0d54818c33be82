// The download buttons: RLE JSON (the objects shown, or a video run's whole document), the label-map PNG, and the
// labelling tools' formats (exports.ts) of the objects shown — for a video, of the frame shown.
import type { CocoRle } from '../../src/domain/encoded-mask.js';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import { exportObjects, type ExportFormat } from './exports.js';
import { labelMapPng } from './mask-paint.js';

export interface DownloadObject {
  label: string;
  score: number;
  area: number;
  box: [number, number, number, number];
  rle: CocoRle;
  mask: BinaryMask;
}

export interface DownloadSource {
  /** The objects shown (visible, above the threshold). */
  objects(): DownloadObject[];
  /** A video run's whole RLE document, when there is one. */
  videoDocument(): unknown;
  /** File names: the image's (or the frame's) name without extension, its extension, and the video's. */
  baseName(): string;
  extension(): string;
  videoName(): string | undefined;
  size(): { width: number; height: number };
  status(text: string): void;
}

/** Buttons of the labelling-tool formats. */
export const TOOL_DOWNLOADS: Record<string, ExportFormat> = {
  'dl-coco': 'coco',
  'dl-yolo': 'yolo-seg',
  'dl-labelstudio': 'labelstudio',
  'dl-labelme': 'labelme',
};

function save(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const json = (value: unknown, pretty = false): Blob =>
  new Blob([JSON.stringify(value, null, pretty ? 1 : undefined)], { type: 'application/json' });

export function wireDownloads(byId: (id: string) => HTMLElement, source: DownloadSource): void {
  byId('dl-rle').onclick = () => {
    const doc = source.videoDocument();
    if (doc) return save(`${(source.videoName() ?? 'video').replace(/\.[^.]+$/, '')}.rle.json`, json(doc));
    const { width, height } = source.size();
    const objects = source.objects().map((r, i) => ({
      id: i + 1,
      label: r.label,
      score: r.score,
      box: r.box,
      area: r.area,
      rle: r.rle,
    }));
    save(`${source.baseName()}.rle.json`, json({ width, height, objects }, true));
  };
  for (const [id, format] of Object.entries(TOOL_DOWNLOADS))
    byId(id).onclick = () => {
      const file = exportObjects(format, `${source.baseName()}${source.extension()}`, source.size(), source.objects());
      save(file.name, new Blob([file.text], { type: file.type }));
      if (format === 'yolo-seg')
        source.status(
          `YOLO-seg classes (classes.txt, in this order): ${file.categories.map((c, i) => `${i} ${c}`).join(', ')}.`,
        );
    };
  byId('dl-png').onclick = () => {
    const { width, height } = source.size();
    void labelMapPng(
      width,
      height,
      source.objects().map((r) => r.mask),
    ).then((b) => save(`${source.baseName()}.masks.png`, b));
  };
}
