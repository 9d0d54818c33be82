// Encodes raw RGB frames into an H.264 MP4 (yuv420p, +faststart) through an ffmpeg child reading stdin, with
// backpressure. Odd sizes are padded by one pixel (yuv420p needs even dimensions).
import { spawn } from 'node:child_process';
import { SamError } from '../domain/errors.js';
import { ffmpegBinaries } from './ffmpeg-binary.js';
import { TextTail, lastErrorLine } from './run-process.js';

export interface VideoEncoderOptions {
  path: string;
  width: number;
  height: number;
  fps: number;
  /** x264 constant rate factor (lower = better; 0 = lossless); default 23. */
  crf?: number;
  preset?: string;
}

export interface VideoEncoder {
  writeFrame(rgb: Uint8Array): Promise<void>;
  /** Closes stdin and waits for the file to be complete. */
  finish(): Promise<void>;
  abort(): void;
}

export async function createVideoEncoder(options: VideoEncoderOptions): Promise<VideoEncoder> {
  const { ffmpeg } = await ffmpegBinaries();
  const { width, height } = options;
  const args = [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${width}x${height}`,
    '-r',
    String(options.fps > 0 ? options.fps : 25),
    '-i',
    'pipe:0',
    '-vf',
    'pad=ceil(iw/2)*2:ceil(ih/2)*2',
    '-c:v',
    'libx264',
    '-preset',
    options.preset ?? 'veryfast',
    '-crf',
    String(options.crf ?? 23),
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    options.path,
  ];
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const tail = new TextTail();
  child.stderr.setEncoding('utf8').on('data', (c: string) => tail.push(c));
  let failure: Error | undefined;
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', (e) => {
      failure = e;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  child.stdin.on('error', (e) => (failure ??= e));
  const frameBytes = width * height * 3;
  const fail = (detail: string) =>
    new SamError('VIDEO_ENCODE_FAILED', `The overlay video could not be encoded: ${detail}`, {});
  return {
    async writeFrame(rgb) {
      if (rgb.length !== frameBytes)
        throw new SamError(
          'INTERNAL',
          `Expected a ${width}×${height} RGB frame (${frameBytes} bytes) but received ${rgb.length} bytes`,
        );
      if (failure) throw fail(failure.message);
      if (!child.stdin.write(rgb)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            child.stdin.off('drain', done);
            child.off('close', done);
            resolve();
          };
          child.stdin.on('drain', done);
          child.on('close', done);
        });
      }
    },
    async finish() {
      child.stdin.end();
      const code = await closed;
      if (code !== 0) throw fail(failure?.message ?? lastErrorLine(tail.value));
    },
    abort() {
      child.kill('SIGKILL');
    },
  };
}
