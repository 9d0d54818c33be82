// The scene both HTTP benchmarks segment: a red and a blue rectangle on gray at w×h, as PNG, with a click inside blue.
import { BLUE, RED, drawScene, encodePng } from '../test/helpers/scenes.js';

export async function twoRectScene(
  w: number,
  h: number,
): Promise<{ png: Buffer; b64: string; click: { x: number; y: number } }> {
  const scene = drawScene(w, h, [
    { kind: 'rect', color: RED, x0: w * 0.1, y0: h * 0.1, x1: w * 0.4, y1: h * 0.5 },
    { kind: 'rect', color: BLUE, x0: w * 0.55, y0: h * 0.4, x1: w * 0.9, y1: h * 0.9 },
  ]);
  const png = Buffer.from(await encodePng(scene));
  return { png, b64: png.toString('base64'), click: { x: Math.round(w * 0.7), y: Math.round(h * 0.6) } };
}
