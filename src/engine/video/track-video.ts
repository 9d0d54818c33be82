// The whole-video host loop: probe → frames as model tensors (decoded and preprocessed in a worker thread) → the frame tracker (detector per concept,
// memory tracker or box propagation for existing objects, association) → a delay buffer (hotstart removals apply
// to held frames) → results at video resolution to the sink and the RLE document.
import { SamError } from '../../domain/errors.js';
import { StageTimings } from '../../domain/stage-timings.js';
import {
  DEFAULT_TRACKING,
  type TrackingOptions,
  type VideoLimits,
  type VideoObjectInfo,
  type VideoObjectPrompt,
} from '../../domain/video.js';
import { checkVideoLimits, probeVideo } from '../../media/video-probe.js';
import type { Sam3Model } from '../../model/sam3/sam3-model.js';
import type { InferenceQueue } from '../inference-queue.js';
import type { VideoSegmentRequest, VideoSink, VideoSummary } from '../video-engine.js';
import { renderFrame, type FrameOutputInput } from './frame-output.js';
import { FrameTracker } from './frame-tracker.js';
import { readModelFrames } from './model-frames.js';
import { VideoRleWriter } from './rle-document.js';
import { validateVideoRequest } from './validate-video-request.js';

export interface TrackVideoContext {
  model: Sam3Model;
  queue: InferenceQueue;
  limits: VideoLimits;
  /** The engine's tracking settings besides the defaults (a request's own win). */
  tracking?: Partial<TrackingOptions>;
}

export async function trackVideo(
  ctx: TrackVideoContext,
  request: VideoSegmentRequest,
  sink: VideoSink,
): Promise<VideoSummary> {
  const { model } = ctx;
  const signal = request.signal;
  const info = await probeVideo(request.video, 'video', signal ? { signal } : {});
  const frameCount = checkVideoLimits(info, ctx.limits, request.sampleFps, request.maxFrames);
  const plan = validateVideoRequest(request, model.info, frameCount);
  const tracking = { ...DEFAULT_TRACKING, ...ctx.tracking, ...request.tracking };
  const { resolution, gridSize } = plan;
  const source = { width: info.width, height: info.height };
  const stepper = new FrameTracker({
    model,
    concepts: request.concepts,
    tracking,
    gridSize,
    source,
    direction: 1,
    frameCount,
    reservedIds: request.objects.flatMap((p) => (p.objId !== undefined ? [p.objId] : [])),
  });
  const tracker = stepper.tracker;
  const promptsAt = new Map<number, VideoObjectPrompt[]>();
  for (const p of request.objects) promptsAt.set(p.frameIndex, [...(promptsAt.get(p.frameIndex) ?? []), p]);
  const timings = new StageTimings();
  const objects = new Map<number, VideoObjectInfo>();
  const writer = request.documentPath ? await VideoRleWriter.open(request.documentPath, info, frameCount) : undefined;
  await sink.start?.(info, frameCount);
  const held: FrameOutputInput[] = [];
  const emit = async (frame: FrameOutputInput) => {
    const result = await timings.time('render', () => renderFrame(frame, gridSize, info.width, info.height));
    for (const o of result.objects)
      if (!objects.has(o.id)) objects.set(o.id, { id: o.id, label: tracker.label(o.id), firstFrame: result.index });
    await timings.time('write', async () => {
      await writer?.frame(result);
      await sink.frame(result);
    });
  };
  const started = performance.now();
  let done = 0;
  const frames = readModelFrames(
    request.video,
    resolution,
    {
      ...(request.sampleFps ? { sampleFps: request.sampleFps } : {}),
      maxFrames: frameCount,
      ...(info.frameCountExact && !request.sampleFps && request.maxFrames === undefined
        ? { expectedFrames: info.frameCount }
        : {}),
    },
    signal,
  );
  try {
    for (;;) {
      // 'decode_wait': time the loop waits for the decoding thread (ffmpeg + preprocessing, ahead on another core).
      const next = await timings.time('decode_wait', () => frames.next());
      if (next.done) break;
      const frame = next.value;
      timings.add('preprocess', frame.preprocessMs);
      const step = await ctx.queue.run(
        () => stepper.step(frame.index, frame.pixels, promptsAt.get(frame.index) ?? [], timings),
        signal,
        done > 0,
      );
      const cleaned = step.outputs;
      held.push({ index: frame.index, timeS: frame.timeS, outputs: cleaned });
      if (step.removedNow.length > 0) {
        const gone = new Set(step.removedNow);
        for (const h of held) h.outputs = h.outputs.filter((o) => !gone.has(o.id));
      }
      while (held.length > tracking.outputDelayFrames) await emit(held.shift()!);
      done++;
      sink.progress?.({ framesDone: done, frameCount, fps: done / ((performance.now() - started) / 1000) });
    }
    for (const h of held.splice(0)) await emit(h);
    const list = [...objects.values()].filter((o) => !tracker.isRemoved(o.id)).sort((a, b) => a.id - b.id);
    await writer?.close(list);
    return { info, frameCount: done, objects: list, mode: stepper.mode, timingsMs: timings.toJSON() };
  } catch (error) {
    writer?.abort();
    if (signal?.aborted && !(error instanceof SamError))
      throw signal.reason instanceof SamError
        ? signal.reason
        : new SamError('REQUEST_CANCELLED', 'The video was cancelled while processing', {}, { cause: error });
    throw error;
  } finally {
    await frames.return(undefined);
  }
}
