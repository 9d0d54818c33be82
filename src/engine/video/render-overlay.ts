// The overlay pass: re-decodes the source at its own size, paints each frame's masks from the RLE document
// (colors by object id) and encodes H.264. One frame in memory at a time.
import type { VideoFrameResult } from '../../domain/video.js';
import { paintOverlay } from '../../media/paint-overlay.js';
import { createVideoEncoder } from '../../media/video-encoder.js';
import { readVideoFrames } from '../../media/video-frames.js';
import { probeVideo } from '../../media/video-probe.js';
import { decodeCocoRle } from '../../masks/coco-rle.js';
import type { OverlayRequest } from '../video-engine.js';
import { readRleFrames } from './rle-document.js';

export async function renderOverlay(request: OverlayRequest): Promise<void> {
  const signal = request.signal;
  const info = await probeVideo(request.video, 'video', signal ? { signal } : {});
  const fps = request.sampleFps && info.fps > request.sampleFps ? request.sampleFps : info.fps;
  const encoder = await createVideoEncoder({ path: request.out, width: info.width, height: info.height, fps });
  const results = readRleFrames(request.document)[Symbol.asyncIterator]();
  let pending: VideoFrameResult | undefined;
  const resultFor = async (index: number): Promise<VideoFrameResult | undefined> => {
    while (!pending || pending.index < index) {
      const next = await results.next();
      if (next.done) return undefined;
      pending = next.value;
    }
    return pending.index === index ? pending : undefined;
  };
  try {
    const frames = readVideoFrames(request.video, {
      width: info.width,
      height: info.height,
      ...(request.sampleFps ? { sampleFps: request.sampleFps } : {}),
      ...(request.maxFrames !== undefined ? { maxFrames: request.maxFrames } : {}),
      ...(signal ? { signal } : {}),
    });
    for await (const frame of frames) {
      const result = await resultFor(frame.index);
      if (result)
        paintOverlay(
          frame.data,
          info.width,
          info.height,
          result.objects.map((o) => ({ id: o.id, mask: decodeCocoRle(o.rle) })),
        );
      await encoder.writeFrame(frame.data);
    }
    await encoder.finish();
  } catch (error) {
    encoder.abort();
    throw error;
  } finally {
    await results.return?.(undefined);
  }
}
