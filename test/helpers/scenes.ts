// Synthetic "color world" scenes: shapes of pure colors on gray, with their exact masks, encoded as PNG/JPEG.
import sharp from 'sharp';
import type { BinaryMask } from '../../src/domain/segmentation.js';

export type Rgb = readonly [number, number, number];
export const RED: Rgb = [255, 0, 0];
export const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];
export const YELLOW: Rgb = [255, 255, 0];
const GRAY: Rgb = [128, 128, 128];

export type Shape =
  | { kind: 'rect'; color: Rgb; x0: number; y0: number; x1: number; y1: number }
  | { kind: 'ellipse'; color: Rgb; cx: number; cy: number; rx: number; ry: number };

export interface Scene {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** Exact mask of each shape as drawn (later shapes cover earlier ones). */
  masks: BinaryMask[];
}

function inside(s: Shape, x: number, y: number): boolean {
  const px = x + 0.5;
  const py = y + 0.5;
  if (s.kind === 'rect') return px >= s.x0 && px < s.x1 && py >= s.y0 && py < s.y1;
  return ((px - s.cx) / s.rx) ** 2 + ((py - s.cy) / s.ry) ** 2 <= 1;
}

export function drawScene(width: number, height: number, shapes: Shape[]): Scene {
  const rgb = new Uint8Array(width * height * 3);
  const owner = new Int16Array(width * height).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      rgb.set(GRAY, p * 3);
      shapes.forEach((s, i) => {
        if (inside(s, x, y)) {
          owner[p] = i;
          rgb.set(s.color, p * 3);
        }
      });
    }
  }
  const masks = shapes.map((_, i) => ({ width, height, data: Uint8Array.from(owner, (o) => (o === i ? 1 : 0)) }));
  return { width, height, rgb, masks };
}

/** Union of several masks of one size. */
export function unionMask(masks: BinaryMask[]): BinaryMask {
  const first = masks[0]!;
  const data = new Uint8Array(first.data.length);
  for (const m of masks) for (let i = 0; i < data.length; i++) data[i]! |= m.data[i]!;
  return { width: first.width, height: first.height, data };
}

export function encodePng(scene: Scene): Promise<Buffer> {
  return sharp(scene.rgb, { raw: { width: scene.width, height: scene.height, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * A JPEG whose stored pixels are rotated and whose EXIF orientation tag (6 = rotate 90° clockwise to display)
 * makes a correct decoder show the scene upright.
 */
export async function encodeExifRotatedJpeg(scene: Scene): Promise<Buffer> {
  const stored = await sharp(scene.rgb, { raw: { width: scene.width, height: scene.height, channels: 3 } })
    .rotate(270)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(stored.data, { raw: { width: stored.info.width, height: stored.info.height, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export function iou(a: BinaryMask, b: BinaryMask): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    inter += a.data[i]! & b.data[i]!;
    union += a.data[i]! | b.data[i]!;
  }
  return union === 0 ? 1 : inter / union;
}
