// The playground's video frames: a hidden <video> seeks to frame i (its middle: (i + 0.5) / fps) and the frame is
// drawn on the canvas; after a run, each frame's masks come from the job's RLE document, decoded client-side.
import type { BinaryMask } from '../../src/domain/segmentation.js';
import { decodeMask } from './mask-paint.js';

export interface DocFrameObject {
  id: number;
  score: number;
  box: [number, number, number, number];
  rle: { size: [number, number]; counts: string };
}

export interface RleDocument {
  objects: Array<{ id: number; label: string; first_frame: number }>;
  frames: Array<{ index: number; time_s: number; objects: DocFrameObject[] }>;
}

export class VideoFrames {
  private constructor(
    private readonly player: HTMLVideoElement,
    readonly fps: number,
    readonly frameCount: number,
  ) {}

  static open(file: Blob, fps: number, frameCount: number): Promise<VideoFrames> {
    const player = document.createElement('video');
    player.muted = true;
    player.preload = 'auto';
    player.src = URL.createObjectURL(file);
    return new Promise((resolve, reject) => {
      player.onloadeddata = () => resolve(new VideoFrames(player, fps, frameCount));
      player.onerror = () => reject(new Error('This browser cannot show the video (the server may still read it)'));
    });
  }

  /** Frame `index` as a bitmap. */
  async frame(index: number): Promise<ImageBitmap> {
    const time = Math.min((index + 0.5) / this.fps, Math.max(0, this.player.duration - 0.001));
    if (Math.abs(this.player.currentTime - time) > 1e-4) {
      await new Promise<void>((resolve) => {
        this.player.onseeked = () => resolve();
        this.player.currentTime = time;
      });
    }
    return createImageBitmap(this.player);
  }

  close(): void {
    URL.revokeObjectURL(this.player.src);
  }
}

/** One frame of an RLE document as masks, each with its object's label. */
export function frameMasks(
  doc: RleDocument,
  index: number,
): Array<{
  id: number;
  label: string;
  score: number;
  box: DocFrameObject['box'];
  rle: DocFrameObject['rle'];
  mask: BinaryMask;
}> {
  const frame = doc.frames.find((f) => f.index === index);
  const label = (id: number) => doc.objects.find((o) => o.id === id)?.label ?? `object ${id}`;
  return (frame?.objects ?? []).map((o) => ({
    id: o.id,
    label: label(o.id),
    score: o.score,
    box: o.box,
    rle: o.rle,
    mask: decodeMask(o.rle),
  }));
}
