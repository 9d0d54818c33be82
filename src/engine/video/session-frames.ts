// A session's frames, decoded once at model resolution into one raw file on local disk (R×R×3 bytes each, planar
// as ffmpeg's gbrp: see `framePlanes`), read back by index in any order: memory stays flat however long the clip, and backward passes need no seeking.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SamError } from '../../domain/errors.js';
import type { PlanarRgb } from '../../domain/image.js';
import type { RawImage } from '../../domain/image.js';
import { decodeImage, type ImageLimits } from '../../media/image-decode.js';
import { decodeBase64Image } from '../../media/image-source.js';
import { resizeRowsToPlanes } from '../../media/resize-simd.js';
import { framePlanes, readVideoFrames } from '../../media/video-frames.js';

/** One image of a sequence: its bytes, or base64 (a data: URI allowed). */
export type FrameImage = Uint8Array | { base64: string };

export class SessionFrames {
  private constructor(
    private readonly file: FileHandle,
    readonly resolution: number,
    /** Source timestamp of each frame, seconds. */
    readonly timesS: readonly number[],
  ) {}

  get count(): number {
    return this.timesS.length;
  }

  static async decode(
    video: string,
    dir: string,
    resolution: number,
    maxFrames: number,
    expectedFrames: number | undefined,
    signal?: AbortSignal,
  ): Promise<SessionFrames> {
    const file = await open(join(dir, 'frames.gbrp'), 'w+');
    const times: number[] = [];
    try {
      const frames = readVideoFrames(video, {
        width: resolution,
        height: resolution,
        layout: 'planar',
        maxFrames,
        ...(expectedFrames !== undefined ? { expectedFrames } : {}),
        ...(signal ? { signal } : {}),
      });
      for await (const frame of frames) {
        await file.write(frame.data, 0, frame.data.length, frame.index * frame.data.length);
        times.push(frame.timeS);
      }
    } catch (error) {
      await file.close();
      throw error;
    }
    if (times.length === 0) {
      await file.close();
      throw new SamError('VIDEO_DECODE_FAILED', 'The video has no decodable frames', { field: 'video' });
    }
    return new SessionFrames(file, resolution, times);
  }

  /**
   * An image sequence as frames (X-AnyLabeling sends a folder's images): each decoded under the image limits and
   * resized as the image path resizes (bilinear, PIL-exact) to R×R. Every image must have the first one's size, at
   * most `maxSidePx` on its longest side (checked on the first, before any other is decoded).
   */
  static async fromImages(
    images: readonly FrameImage[],
    dir: string,
    resolution: number,
    limits: ImageLimits,
    maxSidePx: number,
    signal?: AbortSignal,
  ): Promise<{ frames: SessionFrames; width: number; height: number }> {
    if (images.length === 0)
      throw new SamError('INVALID_ARGUMENT', 'Expected at least one frame', { field: 'frames', expected: '≥ 1 image' });
    const file = await open(join(dir, 'frames.gbrp'), 'w+');
    const n = resolution * resolution;
    const rgb = new Uint8Array(3 * n);
    const planar = new Uint8Array(3 * n);
    let first: RawImage | undefined;
    try {
      for (let i = 0; i < images.length; i++) {
        if (signal?.aborted) throw signal.reason;
        const field = `frames[${i}]`;
        const given = images[i]!;
        const bytes =
          given instanceof Uint8Array ? given : decodeBase64Image(given.base64, field, limits.maxImageBytes);
        const image = await decodeImage(bytes, limits, field, signal);
        if (!first && Math.max(image.width, image.height) > maxSidePx)
          throw new SamError(
            'VIDEO_TOO_LARGE',
            `Expected frames at most ${maxSidePx} px on their longest side (SAM3_MAX_VIDEO_SIDE_PX) but they are ${image.width}×${image.height}`,
            { field: 'frames', limit: maxSidePx, received: Math.max(image.width, image.height) },
          );
        first ??= image;
        if (image.width !== first.width || image.height !== first.height)
          throw new SamError(
            'INVALID_ARGUMENT',
            `Expected every frame to be ${first.width}×${first.height} like frames[0], but ${field} is ${image.width}×${image.height}`,
            { field, expected: `${first.width}×${first.height}`, received: `${image.width}×${image.height}` },
          );
        resizeRowsToPlanes(image, resolution, resolution, 0, resolution, rgb);
        // The layout ffmpeg's gbrp gives the video path: G plane, B plane, R plane.
        planar.set(rgb.subarray(n, 2 * n), 0);
        planar.set(rgb.subarray(2 * n), n);
        planar.set(rgb.subarray(0, n), 2 * n);
        await file.write(planar, 0, planar.length, i * planar.length);
      }
    } catch (error) {
      await file.close();
      throw error;
    }
    const times = images.map((_, i) => i);
    return { frames: new SessionFrames(file, resolution, times), width: first!.width, height: first!.height };
  }

  /** Frame `index` as R, G and B planes. */
  async read(index: number): Promise<PlanarRgb> {
    const size = this.resolution * this.resolution * 3;
    const data = new Uint8Array(size);
    const { bytesRead } = await this.file.read(data, 0, size, index * size);
    if (bytesRead !== size)
      throw new SamError(
        'INTERNAL',
        `session frame ${index} is incomplete on disk (${bytesRead} of ${size} bytes)`,
        {},
      );
    return framePlanes(data, this.resolution, this.resolution);
  }

  async close(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}
