// The input options every ffmpeg/ffprobe call on an uploaded video uses: only the one local file, only real containers.
//
// A stranger's file can be a playlist or a list of other files (HLS, DASH, ffconcat, SDP, image2 patterns): a demuxer
// that follows it would read local files or reach the network. ffmpeg refuses a detected demuxer that is not on
// `-format_whitelist` (before it opens anything the file names) and any protocol other than `file`, and the path is
// passed as an explicit `file:` URL so no part of it can be read as a protocol or a pattern.
import { SamError } from '../domain/errors.js';
import { lastErrorLine } from './run-process.js';

/**
 * Demuxers of self-contained video files and raw elementary streams. None of them opens another file: MP4/MOV
 * external data references (`dref`) stay off, as is ffmpeg's default.
 */
export const ALLOWED_VIDEO_DEMUXERS = [
  'mov', // mov, mp4, m4a, 3gp, 3g2, mj2
  'matroska', // matroska, webm
  'avi',
  'flv',
  'mpegts',
  'mpeg', // MPEG program stream (.mpg, .vob)
  'asf', // .wmv
  'ogg',
  'nut',
  'ivf', // raw VP8/VP9/AV1
  'obu', // raw AV1
  'h264',
  'hevc',
  'm4v', // raw MPEG-4 part 2
  'mpegvideo', // raw MPEG-1/2
  'yuv4mpegpipe',
  'gif',
] as const;

/** Human names of the accepted containers, for error messages. */
export const ACCEPTED_VIDEO_CONTAINERS =
  'MP4/MOV, WebM/Matroska, AVI, FLV, MPEG-TS/PS, WMV, Ogg, NUT, IVF, raw H.264/H.265/AV1/MPEG, Y4M or GIF';

/** ffmpeg/ffprobe input options and the `-i` argument reading exactly `path` with an allowed demuxer. */
export function safeInputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', ALLOWED_VIDEO_DEMUXERS.join(','), '-i', `file:${path}`];
}

/** The demuxer ffmpeg refused ("Format hls not on whitelist" / "[hls @ …] Format not on whitelist"), if that happened. */
export function refusedDemuxer(stderr: string): string | undefined {
  const m =
    /\[([\w,]+) @ [^\]]*\]\s*Format not on whitelist/.exec(stderr) ?? /Format (\S+) not on whitelist/.exec(stderr);
  return m?.[1];
}

/** An ffmpeg message with every occurrence of a server path replaced by the field name, for answers to clients. */
export function withoutPath(message: string, path: string, field: string): string {
  return message.split(`file:${path}`).join(field).split(path).join(field);
}

/** Why ffprobe/ffmpeg could not read the file, with no server path in it (a refused container is named as such). */
export function unreadableVideo(stderr: string, path: string, field: string): SamError {
  const demuxer = refusedDemuxer(stderr);
  if (demuxer !== undefined) {
    return new SamError(
      'VIDEO_DECODE_FAILED',
      `The ${field} is in a format that is not accepted (${demuxer}); expected a video file: ${ACCEPTED_VIDEO_CONTAINERS}`,
      { field, expected: ACCEPTED_VIDEO_CONTAINERS, received: demuxer },
    );
  }
  return new SamError(
    'VIDEO_DECODE_FAILED',
    `The ${field} could not be read as a video: ${withoutPath(lastErrorLine(stderr), path, field)}`,
    {
      field,
    },
  );
}
