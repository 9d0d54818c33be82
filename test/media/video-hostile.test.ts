// Hostile video inputs against the real ffmpeg: playlists and file lists (HLS, ffconcat, DASH, SDP, image2
// patterns) must never make ffprobe or ffmpeg read another file or open a socket; raw elementary streams are read.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SamError } from '../../src/domain/errors.js';
import { readVideoFrames } from '../../src/media/video-frames.js';
import { probeVideo } from '../../src/media/video-probe.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';

let dir: string;
let secretMp4: string;
let secretTs: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-video-hostile-'));
  secretMp4 = join(dir, 'secret.mp4');
  secretTs = join(dir, 'secret.ts');
  await writeSyntheticVideo(secretMp4, {
    width: 64,
    height: 48,
    fps: 5,
    frames: 5,
    shapes: [linear(COLORS.red, 10, 10, [0, 0], [40, 30], 0, 4, 5)],
  });
  spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', secretMp4, '-c', 'copy', '-f', 'mpegts', secretTs]);
  spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    secretMp4,
    '-c',
    'copy',
    '-bsf:v',
    'h264_mp4toannexb',
    '-f',
    'h264',
    join(dir, 'raw.h264'),
  ]);
  for (let k = 1; k <= 3; k++)
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', secretMp4, '-frames:v', '1', join(dir, `frame${k}.png`)]);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** What a stranger uploads: each names local files (or a socket) that ffmpeg would otherwise open. */
const hostile = (): Record<string, string> => ({
  hls: `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:1.0,\nfile://${secretTs}\n#EXTINF:1.0,\n${secretTs}\n#EXT-X-ENDLIST\n`,
  ffconcat: `ffconcat version 1.0\nfile 'file:${secretMp4}'\nfile '${secretMp4}'\n`,
  dash:
    `<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT1S" ` +
    `profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"><Period><AdaptationSet mimeType="video/mp4"><Representation ` +
    `id="1" bandwidth="1000" width="64" height="48"><BaseURL>file://${secretMp4}</BaseURL></Representation>` +
    `</AdaptationSet></Period></MPD>\n`,
  sdp: 'v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n',
});

async function attempt(path: string): Promise<{ probe: unknown; frames: number; decode: unknown }> {
  let probe: unknown;
  try {
    await probeVideo(path, 'video', { timeoutMs: 15_000 });
  } catch (error) {
    probe = error;
  }
  let frames = 0;
  let decode: unknown;
  try {
    for await (const frame of readVideoFrames(path, { width: 32, height: 32, maxFrames: 10 }))
      frames += frame.data.length > 0 ? 1 : 0;
  } catch (error) {
    decode = error;
  }
  return { probe, frames, decode };
}

describe('hostile video containers', () => {
  for (const kind of ['hls', 'ffconcat', 'dash', 'sdp'] as const) {
    it(`refuses a ${kind} file (it names other files) in ffprobe and in ffmpeg, reading none of them`, async () => {
      const path = join(dir, `upload-${kind}.bin`);
      await writeFile(path, hostile()[kind]!);
      const { probe, frames, decode } = await attempt(path);
      expect(frames).toBe(0);
      for (const error of [probe, decode]) {
        expect(error).toBeInstanceOf(SamError);
        const e = error as SamError;
        expect(e.code).toBe('VIDEO_DECODE_FAILED');
        expect(e.message).not.toContain(dir);
        expect(JSON.stringify(e.details)).not.toContain(dir);
      }
      // Named as a refused format where ffmpeg recognised it (a build without a demuxer just fails to read it).
      if (kind === 'hls' || kind === 'ffconcat')
        expect((probe as SamError).message).toMatch(/not accepted \((hls|concat)\)/);
    });
  }

  it('refuses a still image and an image2 file pattern instead of reading a numbered sequence', async () => {
    const { probe, frames } = await attempt(join(dir, 'frame1.png'));
    expect(frames).toBe(0);
    expect((probe as SamError).message).toMatch(/not accepted/);
    const pattern = await attempt(join(dir, 'frame%d.png'));
    expect(pattern.frames).toBe(0);
    expect(pattern.probe).toBeInstanceOf(SamError);
    expect((pattern.probe as SamError).message).not.toContain(dir);
  });

  it('reads a raw H.264 elementary stream (no duration, no frame count in it) by counting its packets', async () => {
    const info = await probeVideo(join(dir, 'raw.h264'));
    expect(info).toMatchObject({ width: 64, height: 48, frameCount: 5, frameCountExact: true, codec: 'h264' });
    expect(info.durationS).toBeGreaterThan(0);
    const { frames, decode } = await attempt(join(dir, 'raw.h264'));
    expect(decode).toBeUndefined();
    expect(frames).toBe(5);
  });

  it('still reads ordinary containers: MP4 and MPEG-TS', async () => {
    expect((await probeVideo(secretMp4)).frameCount).toBe(5);
    expect((await attempt(secretTs)).frames).toBe(5);
  });
});
