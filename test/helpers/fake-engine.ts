// FakeEngine: a deterministic SegmentationEngine for HTTP tests. Each concept finds one rectangle per positive
// exemplar (or one fixed rectangle for text); each object is the rectangle of its box or around its first point.
// It records every request, and can be told to fail, so routes are tested without ONNX Runtime.
import type { ConceptPrompt, ObjectPrompt } from '../../src/domain/prompts.js';
import { SamError } from '../../src/domain/errors.js';
import type { PixelBox } from '../../src/domain/geometry.js';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import type {
  EmbedRequest,
  EmbedResult,
  EngineInfo,
  EngineStats,
  Instance,
  SegmentRequest,
  SegmentResult,
  SegmentationEngine,
} from '../../src/engine/engine.js';
import { encodeMask, renderComposites } from '../../src/engine/output-format.js';
import type { LocalVideo, VideoSummary } from '../../src/engine/video-engine.js';

export const FAKE_SIZE = { width: 40, height: 30 };

function rectMask(box: PixelBox): BinaryMask {
  const { width, height } = FAKE_SIZE;
  const data = new Uint8Array(width * height);
  const x0 = Math.max(0, Math.round(box.x0));
  const y0 = Math.max(0, Math.round(box.y0));
  const x1 = Math.min(width, Math.round(box.x1));
  const y1 = Math.min(height, Math.round(box.y1));
  for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + x1);
  return { width, height, data };
}

export class FakeEngine implements SegmentationEngine {
  readonly segments: SegmentRequest[] = [];
  readonly embeds: EmbedRequest[] = [];
  /** Thrown by the next calls, when set. */
  failWith: SamError | Error | undefined;
  /** Delay each call (for deadline tests). */
  delayMs = 0;

  private async instance(box: PixelBox, score: number, request: SegmentRequest): Promise<Instance> {
    const mask = rectMask(box);
    const area = mask.data.reduce((n, v) => n + v, 0);
    const encoded = request.maskEncodings?.length ? await encodeMask(mask, new Set(request.maskEncodings)) : undefined;
    return { mask, box, score, area, ...(encoded ? { encoded } : {}) };
  }

  private async wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.delayMs === 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, this.delayMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        const reason = signal.reason as { name?: string };
        reject(
          reason?.name === 'TimeoutError'
            ? new SamError('DEADLINE_EXCEEDED', 'deadline passed')
            : new SamError('REQUEST_CANCELLED', 'cancelled'),
        );
      });
    });
  }

  readonly released: SegmentResult[] = [];
  release(result: SegmentResult): void {
    this.released.push(result);
  }

  async segment(request: SegmentRequest): Promise<SegmentResult> {
    this.segments.push(request);
    if (this.failWith) throw this.failWith;
    await this.wait(request.signal);
    const concepts = await Promise.all(
      (request.concepts ?? []).map(async (prompt: ConceptPrompt) => {
        const positives = (prompt.exemplars ?? []).filter((e) => e.positive).map((e) => e.box);
        const boxes = positives.length ? positives : [{ x0: 2, y0: 3, x1: 12, y1: 9 }];
        return { prompt, instances: await Promise.all(boxes.map((b, i) => this.instance(b, 0.9 - i * 0.1, request))) };
      }),
    );
    const objects = await Promise.all(
      (request.objects ?? []).map(async (prompt: ObjectPrompt) => {
        const p = prompt.points?.[0];
        const box = prompt.box ?? { x0: p!.x - 2, y0: p!.y - 2, x1: p!.x + 3, y1: p!.y + 3 };
        const count = request.allCandidates ? 3 : 1;
        const candidates = await Promise.all(
          Array.from({ length: count }, (_, i) => this.instance(box, 0.8 - i * 0.2, request)),
        );
        return { prompt, candidates, objectScore: 0.75 };
      }),
    );
    // Composites are rendered by the real code over a plain gray image of the fake size.
    const gray = {
      ...FAKE_SIZE,
      channels: 3 as const,
      data: new Uint8Array(FAKE_SIZE.width * FAKE_SIZE.height * 3).fill(128),
    };
    const composites = request.composites
      ? await renderComposites(
          request.composites,
          concepts,
          objects,
          FAKE_SIZE,
          gray,
          new Set(request.maskEncodings ?? []),
        )
      : undefined;
    return {
      imageId: request.imageId ?? 'fake-image-hash',
      ...FAKE_SIZE,
      concepts,
      objects,
      timings: { decode: 1, pcs_decoder: 2 },
      ...(composites ? { composites } : {}),
    };
  }

  async embed(request: EmbedRequest): Promise<EmbedResult> {
    this.embeds.push(request);
    if (this.failWith) throw this.failWith;
    return {
      imageId: request.imageId ?? 'fake-image-hash',
      ...FAKE_SIZE,
      timings: { decode: 1, pcs_vision_encoder: 5 },
    };
  }

  async openVideo(): Promise<LocalVideo> {
    throw new SamError('VIDEO_UNAVAILABLE', 'FakeEngine does not segment video');
  }

  async segmentVideo(): Promise<VideoSummary> {
    throw new SamError('VIDEO_UNAVAILABLE', 'FakeEngine does not segment video');
  }

  async renderVideoOverlay(): Promise<void> {
    throw new SamError('VIDEO_UNAVAILABLE', 'FakeEngine does not segment video');
  }

  info(): EngineInfo {
    return {
      model: {
        name: 'fake',
        label: 'fake engine',
        dtype: 'fp32',
        device: 'cpu',
        concepts: true,
        objects: true,
        graphs: [{ role: 'pcs-vision', contract: 'test', file: 'none' }],
      },
    };
  }

  stats(): EngineStats {
    return {
      queue: { running: 0, queued: 0, concurrency: 1, maxQueued: 1 },
      embeddingCache: { hits: 0, misses: 0, entries: 0, bytes: 0 },
      textCache: { hits: 0, misses: 0 },
      objectDecoderCache: { hits: 0, runs: 0 },
    };
  }

  async close(): Promise<void> {}
}
