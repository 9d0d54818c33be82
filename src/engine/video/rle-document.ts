// The video RLE document (docs/video-rle.schema.json): written frame by frame as processing advances, one frame
// per line, so it can be streamed back (overlay pass, partial reads) without holding it in memory.
import { SamError, storageFullError } from '../../domain/errors.js';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { VideoFrameResult, VideoInfo, VideoObjectInfo } from '../../domain/video.js';

export interface WireVideoObject {
  id: number;
  score: number;
  /** Pixels: x0, y0, x1, y1 (x1/y1 exclusive). */
  box: [number, number, number, number];
  rle: { size: [number, number]; counts: string };
}

export interface WireVideoFrame {
  index: number;
  time_s: number;
  objects: WireVideoObject[];
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function toWireFrame(frame: VideoFrameResult): WireVideoFrame {
  return {
    index: frame.index,
    time_s: round(frame.timeS, 6),
    objects: frame.objects.map((o) => ({
      id: o.id,
      score: round(o.score, 5),
      box: [o.box.x0, o.box.y0, o.box.x1, o.box.y1],
      rle: { size: [o.rle.size[0], o.rle.size[1]], counts: o.rle.counts },
    })),
  };
}

export function fromWireFrame(wire: WireVideoFrame): VideoFrameResult {
  return {
    index: wire.index,
    timeS: wire.time_s,
    objects: wire.objects.map((o) => ({
      id: o.id,
      score: o.score,
      box: { x0: o.box[0], y0: o.box[1], x1: o.box[2], y1: o.box[3] },
      rle: { size: [o.rle.size[0], o.rle.size[1]], counts: o.rle.counts },
    })),
  };
}

export class VideoRleWriter {
  private frames = 0;
  private failure: Error | undefined;

  private constructor(private readonly stream: WriteStream) {
    // A write after abort (shutdown, cancel) or a failed disk write must reject the writer's call, never surface as
    // an unhandled 'error' event that ends the process.
    stream.on('error', (error) => (this.failure ??= error));
  }

  /** Opens `path` and writes the head: video metadata and size [h, w]. */
  static async open(path: string, info: VideoInfo, frameCount: number): Promise<VideoRleWriter> {
    const stream = createWriteStream(path);
    await once(stream, 'open');
    const writer = new VideoRleWriter(stream);
    const head = {
      video: { width: info.width, height: info.height, fps: round(info.fps, 6), frame_count: frameCount },
      size: [info.height, info.width],
    };
    await writer.write(`${JSON.stringify(head).slice(0, -1)},\n"frames":[\n`);
    return writer;
  }

  private async write(text: string): Promise<void> {
    this.throwIfStopped();
    if (!this.stream.write(text)) {
      // An abort while waiting closes the stream without 'drain': wake on either.
      const done = new AbortController();
      const wake = (event: string) => once(this.stream, event, { signal: done.signal }).catch(() => undefined);
      await Promise.race([wake('drain'), wake('close')]);
      done.abort();
      this.throwIfStopped();
    }
  }

  /** A destroyed stream (abort: shutdown or cancel) is JOB_CANCELLED; a failed disk write is its error. */
  private throwIfStopped(): void {
    const failure = this.failure;
    if (failure && (failure as NodeJS.ErrnoException).code !== 'ERR_STREAM_DESTROYED')
      throw storageFullError(failure) ?? failure;
    if (failure || this.stream.destroyed)
      throw new SamError('JOB_CANCELLED', 'The RLE document was closed before the video finished', {});
  }

  async frame(frame: VideoFrameResult): Promise<void> {
    await this.write(`${this.frames > 0 ? ',\n' : ''}${JSON.stringify(toWireFrame(frame))}`);
    this.frames++;
  }

  /** Writes the object list and closes the file. */
  async close(objects: readonly VideoObjectInfo[]): Promise<void> {
    const list = objects.map((o) => ({ id: o.id, label: o.label, first_frame: o.firstFrame }));
    await this.write(`\n],\n"objects":${JSON.stringify(list)}}\n`);
    this.stream.end();
    await once(this.stream, 'finish');
  }

  abort(): void {
    this.stream.destroy();
  }
}

/** Streams the frames of a document written by VideoRleWriter. */
export async function* readRleFrames(path: string): AsyncGenerator<VideoFrameResult> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"index":')) continue;
    yield fromWireFrame(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as WireVideoFrame);
  }
}
