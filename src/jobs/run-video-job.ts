// The video job processor: stored input → engine.segmentVideo (RLE document written as frames advance, progress
// reported per frame) → optional overlay pass → output files and a plain JSON result.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SamError } from '../domain/errors.js';
import type { StoredFile, VideoJobInput, VideoJobResult } from '../domain/jobs.js';
import type { SegmentationEngine } from '../engine/engine.js';
import type { JobContext, JobProcessor } from './job-processor.js';

/** Share of the progress bar given to tracking when an overlay follows (the overlay pass is cheaper). */
const TRACKING_SHARE_WITH_OVERLAY = 0.8;

export function videoJobProcessor(engine: SegmentationEngine): JobProcessor {
  return async (raw: unknown, context: JobContext) => {
    const input = raw as VideoJobInput;
    const local = await engine.openVideo(await videoSource(input, context), context.signal);
    const video = local.path;
    const work = await mkdtemp(join(tmpdir(), `sam3-job-${context.jobId}-`));
    try {
      const started = performance.now();
      const share = input.outputs.overlay ? TRACKING_SHARE_WITH_OVERLAY : 1;
      const documentPath = join(work, 'rle.json');
      const summary = await engine.segmentVideo(
        {
          video,
          concepts: input.concepts,
          objects: input.objects,
          ...(input.sampleFps !== undefined ? { sampleFps: input.sampleFps } : {}),
          ...(input.maxFrames !== undefined ? { maxFrames: input.maxFrames } : {}),
          ...(input.outputDelayFrames !== undefined
            ? { tracking: { outputDelayFrames: input.outputDelayFrames } }
            : {}),
          documentPath,
          signal: context.signal,
        },
        {
          frame: () => undefined,
          progress: (p) => context.reportProgress((share * p.framesDone) / Math.max(1, p.frameCount)),
        },
      );
      const save = async (name: string, contentType: string, path: string): Promise<StoredFile> => {
        const key = `jobs/${context.jobId}/${name}`;
        await context.files.putFile(key, path);
        return { key, contentType, bytes: (await context.files.size(key)) ?? 0 };
      };
      const files: VideoJobResult['files'] = { rle: await save('rle.json', 'application/json', documentPath) };
      if (input.outputs.overlay) {
        const out = join(work, 'overlay.mp4');
        await engine.renderVideoOverlay({
          video,
          document: documentPath,
          out,
          ...(input.sampleFps !== undefined ? { sampleFps: input.sampleFps } : {}),
          maxFrames: summary.frameCount,
          signal: context.signal,
        });
        files.overlay = await save('overlay.mp4', 'video/mp4', out);
      }
      context.reportProgress(1);
      const { info } = summary;
      const result: VideoJobResult = {
        video: { width: info.width, height: info.height, fps: info.fps, durationS: info.durationS },
        frameCount: summary.frameCount,
        objects: summary.objects,
        mode: summary.mode,
        files,
        timingsMs: summary.timingsMs,
      };
      return { result, inferenceMs: performance.now() - started };
    } finally {
      await rm(work, { recursive: true, force: true });
      await local.release();
    }
  };
}

async function videoSource(input: VideoJobInput, context: JobContext): Promise<string | { url: string }> {
  if ('url' in input.video) return { url: input.video.url };
  const path = await context.files.localPath(input.video.file);
  if (!path)
    throw new SamError(
      'MEDIA_NOT_ACCESSIBLE',
      'The file given as video no longer exists (uploads expire with the retention period)',
      { field: 'video' },
    );
  return path;
}
