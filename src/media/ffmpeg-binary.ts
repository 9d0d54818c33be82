// Finds the ffmpeg and ffprobe binaries: SAM3_FFMPEG_PATH/SAM3_FFPROBE_PATH, then the system PATH, then the
// optional npm packages @ffmpeg-installer/ffmpeg + @ffprobe-installer/ffprobe. Cached once found.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { SamError } from '../domain/errors.js';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where they came from, for `sam3 doctor` and the log. */
  source: 'configured' | 'system' | 'npm';
  /**
   * Whether showinfo takes `checksum=0` (FFmpeg ≥ 5.0). Frame timestamps come from showinfo, whose per-frame
   * checksums of every plane otherwise cost as much CPU as decoding and scaling a 720p frame to 1008².
   */
  showinfoChecksumOption: boolean;
}

/** Whether this ffmpeg's showinfo filter has the `checksum` option (false when asking fails). */
function showinfoHasChecksumOption(ffmpeg: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(ffmpeg, ['-hide_banner', '-h', 'filter=showinfo'], { timeout: 10_000 }, (error, stdout) =>
      resolve(!error && /^\s*checksum\b/m.test(stdout)),
    );
  });
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && (await executable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

/** An optional package's `path` export, or undefined when it is not installed. */
async function npmBinary(pkg: string): Promise<string | undefined> {
  try {
    const mod = (await import(pkg)) as { path?: string; default?: { path?: string } };
    const path = mod.path ?? mod.default?.path;
    return path && (await executable(path)) ? path : undefined;
  } catch {
    return undefined;
  }
}

let cached: Promise<FfmpegBinaries> | undefined;
let configured: { ffmpeg?: string; ffprobe?: string } = {};

/** Sets explicit binary paths (SAM3_FFMPEG_PATH / SAM3_FFPROBE_PATH); empty strings mean "look them up". */
export function configureFfmpeg(paths: { ffmpeg?: string; ffprobe?: string }): void {
  configured = {
    ...(paths.ffmpeg ? { ffmpeg: paths.ffmpeg } : {}),
    ...(paths.ffprobe ? { ffprobe: paths.ffprobe } : {}),
  };
  cached = undefined;
}

async function locate(configured: { ffmpeg?: string; ffprobe?: string }): Promise<FfmpegBinaries> {
  if (configured.ffmpeg || configured.ffprobe) {
    const ffmpeg = configured.ffmpeg || (await onPath('ffmpeg'));
    const ffprobe = configured.ffprobe || (await onPath('ffprobe'));
    for (const [name, path] of [
      ['ffmpeg', ffmpeg],
      ['ffprobe', ffprobe],
    ] as const) {
      if (!path || !(await executable(path)))
        throw new SamError(
          'VIDEO_UNAVAILABLE',
          `The configured ${name} (${path ?? 'unset'}) is not an executable file`,
          { field: name },
        );
    }
    return {
      ffmpeg: ffmpeg!,
      ffprobe: ffprobe!,
      source: 'configured',
      showinfoChecksumOption: await showinfoHasChecksumOption(ffmpeg!),
    };
  }
  const [ffmpeg, ffprobe] = await Promise.all([onPath('ffmpeg'), onPath('ffprobe')]);
  if (ffmpeg && ffprobe)
    return { ffmpeg, ffprobe, source: 'system', showinfoChecksumOption: await showinfoHasChecksumOption(ffmpeg) };
  const [npmFfmpeg, npmFfprobe] = await Promise.all([
    npmBinary('@ffmpeg-installer/ffmpeg'),
    npmBinary('@ffprobe-installer/ffprobe'),
  ]);
  if (npmFfmpeg && npmFfprobe)
    return {
      ffmpeg: npmFfmpeg,
      ffprobe: npmFfprobe,
      source: 'npm',
      showinfoChecksumOption: await showinfoHasChecksumOption(npmFfmpeg),
    };
  throw new SamError(
    'VIDEO_UNAVAILABLE',
    'Video needs ffmpeg and ffprobe: install them (Debian/Ubuntu: apt-get install ffmpeg), set SAM3_FFMPEG_PATH and SAM3_FFPROBE_PATH, or npm install @ffmpeg-installer/ffmpeg @ffprobe-installer/ffprobe',
  );
}

/** The binaries to use (see `configureFfmpeg`). A failed lookup is retried on the next call. */
export function ffmpegBinaries(): Promise<FfmpegBinaries> {
  cached ??= locate(configured).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
