// A session's frames, decoded once at model resolution into one raw file on local disk (R×R×3 bytes each, planar
// as ffmpeg's gbrp: see `framePlanes`), read back by index in any order: memory stays flat however long the clip, and backward passes need no seeking.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SamError } from '../../domain/errors.js';
import type { PlanarRgb } from '../../domain/image.js';
import { framePlanes, readVideoFrames } from '../../media/video-frames.js';

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
