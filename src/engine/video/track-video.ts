// The video host loop: probe → stream frames at model resolution → per frame one vision pass per pipeline, the
// detector per concept, clicked objects by box propagation, the tracker → a delay buffer (hotstart removals
// apply to held frames) → results at video resolution to the sink and the RLE document.
import { SamError } from '../../domain/errors.js';
import { StageTimings } from '../../domain/stage-timings.js';
import { DEFAULT_TRACKING, type VideoLimits, type VideoObjectInfo, type VideoObjectPrompt } from '../../domain/video.js';
import { readVideoFrames } from '../../media/video-frames.js';
import { checkVideoLimits, probeVideo } from '../../media/video-probe.js';
import { cleanGridLogits } from '../../model/sam3/grid-mask.js';
import { maskBox } from '../../masks/mask-ops.js';
import type { GridDetection } from '../../model/sam3/postprocess.js';
import { toNormalizedNchw } from '../../model/sam3/preprocess.js';
import type { Sam3Model } from '../../model/sam3/sam3-model.js';
import { DEFAULT_TRACKER, MultiObjectTracker, type Prediction } from '../../model/sam3/tracker.js';
import type { InferenceQueue } from '../inference-queue.js';
import type { VideoSegmentRequest, VideoSink, VideoSummary } from '../video-engine.js';
import { renderFrame, type FrameOutputInput } from './frame-output.js';
import { VideoRleWriter } from './rle-document.js';
import { validateVideoRequest } from './validate-video-request.js';

/** Holes and specks up to this many cells of the 288² grid are cleaned (official fill_hole_area 16). */
const FILL_HOLE_CELLS_AT_288 = 16;

/** Box propagation searches the last box grown by this fraction of its larger side on every side (motion room). */
const SEARCH_MARGIN = 0.25;

/** The previous frame's grid box → a source-pixel box prompt with room for motion, clamped to the frame. */
function searchBox(box: { x0: number; y0: number; x1: number; y1: number }, gridSize: number, size: { width: number; height: number }): { x0: number; y0: number; x1: number; y1: number } {
  const margin = SEARCH_MARGIN * Math.max(box.x1 - box.x0, box.y1 - box.y0);
  const sx = size.width / gridSize;
  const sy = size.height / gridSize;
  return {
    x0: Math.max(0, (box.x0 - margin) * sx),
    y0: Math.max(0, (box.y0 - margin) * sy),
    x1: Math.min(size.width, (box.x1 + margin) * sx),
    y1: Math.min(size.height, (box.y1 + margin) * sy),
  };
}

export interface TrackVideoContext {
  model: Sam3Model;
  queue: InferenceQueue;
  limits: VideoLimits;
}

export async function trackVideo(ctx: TrackVideoContext, request: VideoSegmentRequest, sink: VideoSink): Promise<VideoSummary> {
  const { model } = ctx;
  const signal = request.signal;
  const info = await probeVideo(request.video, 'video', signal ? { signal } : {});
  const frameCount = checkVideoLimits(info, ctx.limits, request.sampleFps, request.maxFrames);
  const plan = validateVideoRequest(request, model.info, frameCount);
  const tracking = { ...DEFAULT_TRACKING, ...request.tracking };
  const { resolution, gridSize } = plan;
  const tracker = new MultiObjectTracker({ ...DEFAULT_TRACKER, maskSize: gridSize, newObjectThreshold: tracking.newObjectThreshold }, request.concepts);
  const source = { width: info.width, height: info.height };
  const cellsToClean = Math.round((FILL_HOLE_CELLS_AT_288 * gridSize * gridSize) / (288 * 288));
  const promptsAt = new Map<number, VideoObjectPrompt[]>();
  for (const p of request.objects) promptsAt.set(p.frameIndex, [...(promptsAt.get(p.frameIndex) ?? []), p]);
  const timings = new StageTimings();
  const objects = new Map<number, VideoObjectInfo>();
  const writer = request.documentPath ? await VideoRleWriter.open(request.documentPath, info, frameCount) : undefined;
  await sink.start?.(info, frameCount);
  const held: FrameOutputInput[] = [];
  const emit = async (frame: FrameOutputInput) => {
    const result = await timings.time('render', () => renderFrame(frame, gridSize, info.width, info.height));
    for (const o of result.objects) if (!objects.has(o.id)) objects.set(o.id, { id: o.id, label: tracker.label(o.id), firstFrame: result.index });
    await writer?.frame(result);
    await sink.frame(result);
  };
  const started = performance.now();
  let done = 0;
  try {
    const frames = readVideoFrames(request.video, {
      width: resolution,
      height: resolution,
      ...(request.sampleFps ? { sampleFps: request.sampleFps } : {}),
      maxFrames: frameCount,
      ...(info.frameCountExact && !request.sampleFps && request.maxFrames === undefined ? { expectedFrames: info.frameCount } : {}),
      ...(signal ? { signal } : {}),
    });
    for await (const frame of frames) {
      const step = await ctx.queue.run(async () => {
        const pixels = await timings.time('preprocess', () => toNormalizedNchw({ width: resolution, height: resolution, channels: 3, data: frame.data }, resolution));
        const detections: GridDetection[][] = [];
        if (request.concepts.length > 0) {
          const embedding = await model.encodeImage('concepts', pixels, timings);
          for (const text of request.concepts) detections.push(await model.detectConcept(embedding, { text }, source, tracking.detectionThreshold, timings));
        }
        const prompted = new Map<number, Prediction>();
        const fresh = promptsAt.get(frame.index) ?? [];
        const following = tracker.promptedIds().filter((id) => !fresh.some((p) => p.objId === id));
        if (fresh.length > 0 || following.length > 0) {
          const embedding = await model.encodeImage('objects', pixels, timings);
          for (const p of fresh) {
            const id = tracker.addPromptedObject(frame.index, p.label ?? `object ${p.objId ?? ''}`.trim(), p.objId);
            const out = await model.decodeObjectGrid(embedding, { ...(p.points ? { points: p.points } : {}), ...(p.box ? { box: p.box } : {}) }, source, timings);
            prompted.set(id, { logits: out.logits, score: out.objectScore });
          }
          for (const id of following) {
            const last = tracker.lastMask(id);
            const box = last ? maskBox(last) : null;
            if (!box) continue;
            const out = await model.decodeObjectGrid(embedding, { box: searchBox(box, gridSize, source) }, source, timings);
            prompted.set(id, { logits: out.logits, score: out.objectScore });
          }
        }
        return timings.time('track', () => tracker.step(frame.index, detections, new Map(), prompted));
      }, signal, done > 0);
      const cleaned = await timings.time('clean', () => step.outputs.map((o) => ({ ...o, logits: cleanGridLogits(o.logits, gridSize, cellsToClean) })));
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
    return { info, frameCount: done, objects: list, mode: 'tracking-by-detection', timingsMs: timings.toJSON() };
  } catch (error) {
    writer?.abort();
    if (signal?.aborted && !(error instanceof SamError)) throw signal.reason instanceof SamError ? signal.reason : new SamError('REQUEST_CANCELLED', 'The video was cancelled while processing', {}, { cause: error });
    throw error;
  }
}
