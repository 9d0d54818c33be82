// ffprobe → VideoInfo (size after rotation, fps, frame count, duration, codec), and the configured limits check.
import { SamError } from '../domain/errors.js';
import type { VideoInfo, VideoLimits } from '../domain/video.js';
import { ffmpegBinaries } from './ffmpeg-binary.js';
import { safeInputArgs, unreadableVideo } from './ffmpeg-input.js';
import { runProcess } from './run-process.js';

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number }>;
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string; format_name?: string };
}

const rate = (text: string | undefined): number => {
  const [n, d] = (text ?? '').split('/').map(Number);
  return n !== undefined && d !== undefined && Number.isFinite(n) && Number.isFinite(d) && n > 0 && d > 0 ? n / d : 0;
};

/** Counts the packets of the first video stream (demuxing only): the frame count of a raw stream with no duration. */
async function countFrames(
  ffprobe: string,
  path: string,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<number> {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-count_packets',
    '-show_entries',
    'stream=nb_read_packets',
    '-print_format',
    'json',
    ...safeInputArgs(path),
  ];
  const result = await runProcess(ffprobe, args, {
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.code !== 0) return 0;
  try {
    const parsed = JSON.parse(result.stdout.toString('utf8')) as { streams?: Array<{ nb_read_packets?: string }> };
    const count = Number(parsed.streams?.[0]?.nb_read_packets ?? 0);
    return Number.isInteger(count) && count > 0 ? count : 0;
  } catch {
    return 0;
  }
}

/** Reads the metadata of the first real video stream; anything ffprobe cannot read is VIDEO_DECODE_FAILED. */
export async function probeVideo(
  path: string,
  field = 'video',
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<VideoInfo> {
  const { ffprobe } = await ffmpegBinaries();
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...safeInputArgs(path)];
  const result = await runProcess(ffprobe, args, {
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.code !== 0) throw unreadableVideo(result.stderr, path, field);
  let parsed: ProbeOutput;
  try {
    parsed = JSON.parse(result.stdout.toString('utf8')) as ProbeOutput;
  } catch (cause) {
    throw new SamError(
      'VIDEO_DECODE_FAILED',
      `ffprobe gave unreadable metadata for the ${field}`,
      { field },
      { cause },
    );
  }
  const streams = parsed.streams ?? [];
  const stream = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!stream) {
    const kinds = [...new Set(streams.map((s) => s.codec_type ?? 'unknown'))];
    throw new SamError(
      'VIDEO_DECODE_FAILED',
      `The ${field} has no video stream (found: ${kinds.join(', ') || 'no streams'}${kinds.includes('audio') ? '; audio-only files cannot be segmented' : ''})`,
      { field },
    );
  }
  if (!stream.width || !stream.height)
    throw new SamError('VIDEO_DECODE_FAILED', `The ${field}'s video stream has no frame size`, { field });
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate);
  const durationS = Number(stream.duration ?? parsed.format?.duration ?? NaN);
  const rotationRaw =
    stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? Number(stream.tags?.rotate ?? 0);
  // ffprobe reports the display matrix counter-clockwise (-90 = turn 90° clockwise to display).
  const rotation = (((Math.round(-rotationRaw / 90) * 90) % 360) + 360) % 360;
  const swap = rotation === 90 || rotation === 270;
  let exact = stream.nb_frames !== undefined && /^\d+$/.test(stream.nb_frames) && Number(stream.nb_frames) > 0;
  let frameCount = exact
    ? Number(stream.nb_frames)
    : Number.isFinite(durationS) && fps > 0
      ? Math.round(durationS * fps)
      : 0;
  if (frameCount === 0) {
    // A raw elementary stream (.h264, .hevc) states neither a duration nor a frame count: count its packets.
    frameCount = await countFrames(ffprobe, path, options);
    exact = frameCount > 0;
  }
  return {
    width: swap ? stream.height : stream.width,
    height: swap ? stream.width : stream.height,
    fps,
    frameCount,
    frameCountExact: exact,
    durationS: Number.isFinite(durationS) && durationS > 0 ? durationS : fps > 0 ? frameCount / fps : 0,
    rotation,
    codec: stream.codec_name ?? 'unknown',
  };
}

/** Frames that will be processed at `sampleFps` (undefined = every frame), capped by `maxFrames`. */
export function plannedFrames(info: VideoInfo, sampleFps: number | undefined, maxFrames: number | undefined): number {
  const all = sampleFps && info.fps > sampleFps ? Math.max(1, Math.round(info.durationS * sampleFps)) : info.frameCount;
  return maxFrames !== undefined ? Math.min(all, maxFrames) : all;
}

/** Refuses a video over the configured limits before decoding, naming the limit and its setting. */
export function checkVideoLimits(
  info: VideoInfo,
  limits: VideoLimits,
  sampleFps: number | undefined,
  maxFrames: number | undefined,
  field = 'video',
): number {
  if (info.durationS > limits.maxDurationS) {
    throw new SamError(
      'VIDEO_TOO_LARGE',
      `Expected a ${field} of at most ${limits.maxDurationS} s (SAM3_MAX_VIDEO_SECONDS) but received ${info.durationS.toFixed(1)} s`,
      { field, limit: limits.maxDurationS, received: info.durationS },
    );
  }
  const side = Math.max(info.width, info.height);
  if (side > limits.maxSidePx) {
    throw new SamError(
      'VIDEO_TOO_LARGE',
      `Expected a ${field} of at most ${limits.maxSidePx} px on its longest side (SAM3_MAX_VIDEO_SIDE_PX) but received ${info.width}×${info.height}`,
      { field, limit: limits.maxSidePx, received: `${info.width}x${info.height}` },
    );
  }
  const frames = plannedFrames(info, sampleFps, maxFrames);
  if (frames > limits.maxFrames) {
    throw new SamError(
      'VIDEO_TOO_LARGE',
      `Expected at most ${limits.maxFrames} frames to process (SAM3_MAX_VIDEO_FRAMES; lower fps or set max_frames) but the ${field} has ${frames}`,
      { field, limit: limits.maxFrames, received: frames },
    );
  }
  return frames;
}
