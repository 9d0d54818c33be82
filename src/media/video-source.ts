// A video URL → a temporary local file (ffmpeg reads by path), through the same SSRF-guarded fetch as images
// (held in memory up to the byte limit, then written; streaming to disk is left for later).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchImageUrl, type UrlFetchPolicy } from './image-source.js';

/** Downloads happen whole: a video URL may take longer than an image's time limit. */
const MIN_VIDEO_FETCH_MS = 120_000;

export interface LocalVideo {
  path: string;
  release(): Promise<void>;
}

export async function fetchVideoToFile(
  url: string,
  policy: UrlFetchPolicy,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<LocalVideo> {
  const bytes = await fetchImageUrl(
    url,
    { ...policy, maxBytes, timeoutMs: Math.max(policy.timeoutMs, MIN_VIDEO_FETCH_MS), subject: 'video' },
    signal,
  );
  const dir = await mkdtemp(join(tmpdir(), 'sam3-video-'));
  const path = join(dir, 'input');
  await writeFile(path, bytes);
  return { path, release: () => rm(dir, { recursive: true, force: true }) };
}
