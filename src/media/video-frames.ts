// Streams a video's frames from an ffmpeg child as raw RGB at a chosen size, with source timestamps (showinfo),
// optional fps subsampling and a frame cap. Backpressure: ffmpeg's stdout is read only as fast as frames are used.
import { spawn } from 'node:child_process';
import { SamError } from '../domain/errors.js';
import { ffmpegBinaries } from './ffmpeg-binary.js';
import { TextTail, lastErrorLine } from './run-process.js';

export interface DecodedFrame {
  /** 0-based index in the decoded (possibly subsampled) sequence. */
  index: number;
  /** Presentation time in the source, seconds. */
  timeS: number;
  /** RGB, interleaved, width × height × 3 bytes. */
  data: Uint8Array;
}

export interface FrameStreamOptions {
  width: number;
  height: number;
  /** Keep this many frames per second (ffmpeg fps filter); undefined = every frame (VFR kept as is). */
  sampleFps?: number;
  maxFrames?: number;
  /** When the container states an exact count: fewer decoded frames plus decoder errors mean a truncated file. */
  expectedFrames?: number;
  signal?: AbortSignal;
  field?: string;
}

const SHOWINFO = /Parsed_showinfo.*?\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.]+(?:e[-+]?\d+)?)/;

export async function* readVideoFrames(path: string, options: FrameStreamOptions): AsyncGenerator<DecodedFrame> {
  const { ffmpeg } = await ffmpegBinaries();
  const field = options.field ?? 'video';
  const { width, height } = options;
  const filters = [...(options.sampleFps ? [`fps=${options.sampleFps}`] : []), `scale=${width}:${height}:flags=bicubic`, 'showinfo'];
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-i', path, '-an', '-sn', '-dn',
    '-vf', filters.join(','), ...(options.sampleFps ? [] : ['-vsync', 'passthrough']),
    ...(options.maxFrames !== undefined ? ['-frames:v', String(options.maxFrames)] : []),
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const onAbort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const spawnError = new Promise<never>((_, reject) => child.on('error', (e) => reject(new SamError('VIDEO_UNAVAILABLE', `ffmpeg could not be started: ${e.message}`, {}, { cause: e }))));
  spawnError.catch(() => undefined);

  const times: number[] = [];
  const errors: string[] = [];
  const tail = new TextTail();
  let stderrDone = false;
  let wake: (() => void) | undefined;
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    tail.push(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) times[Number(m[1])] = Number(m[2]);
      else if (/\[(error|fatal)\]/.test(line)) errors.push(line.replace(/^.*\[(error|fatal)\]\s*/, ''));
    }
    wake?.();
  });
  child.stderr.on('end', () => {
    stderrDone = true;
    wake?.();
  });
  const timeOf = async (index: number): Promise<number> => {
    while (times[index] === undefined && !stderrDone) await new Promise<void>((resolve) => (wake = resolve));
    return times[index] ?? (index > 0 ? (times[index - 1] ?? 0) : 0);
  };

  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === frameBytes) {
          const timeS = await timeOf(index);
          yield { index, timeS, data: frame };
          index++;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await Promise.race([closed, spawnError]);
    options.signal?.throwIfAborted();
    if (code !== 0) throw new SamError('VIDEO_DECODE_FAILED', `The ${field} could not be decoded: ${errors.at(-1) ?? lastErrorLine(tail.value)}`, { field });
    if (index === 0) throw new SamError('VIDEO_DECODE_FAILED', `The ${field} holds no decodable frame${errors.length ? `: ${errors.at(-1)}` : ''}`, { field });
    const expected = options.expectedFrames;
    if (expected !== undefined && index < expected && errors.length > 0) {
      throw new SamError('VIDEO_DECODE_FAILED', `The ${field} is truncated or corrupt: decoded ${index} of ${expected} frames (${errors.at(-1)})`, { field, received: index, expected: String(expected) });
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
