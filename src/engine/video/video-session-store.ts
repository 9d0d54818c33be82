// The engine's interactive video sessions: create (decode once to disk), look up, close; a cap on open sessions,
// a memory budget each, and an idle TTL after which a session and its files are removed.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SamError } from '../../domain/errors.js';
import type { TrackingOptions, VideoInfo, VideoLimits } from '../../domain/video.js';
import { checkVideoLimits, probeVideo } from '../../media/video-probe.js';
import { fetchVideoToFile } from '../../media/video-source.js';
import type { UrlFetchPolicy } from '../../media/image-source.js';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from '../../media/image-decode.js';
import type { Sam3Model } from '../../model/sam3/sam3-model.js';
import type { InferenceQueue } from '../inference-queue.js';
import type {
  PropagateEvents,
  PropagateRequest,
  SessionPrompt,
  SessionSource,
  VideoSessionInfo,
  VideoSessions,
} from '../video-engine.js';
import { SessionFrames, type FrameImage } from './session-frames.js';
import { VideoSession } from './video-session.js';

export interface SessionLimits {
  maxSessions: number;
  memoryBudgetBytes: number;
  idleTtlMs: number;
  /** Frames a session may hold (each R×R×3 bytes on disk). */
  maxFrames: number;
  /** Concepts one session may hold (SAM3_MAX_PROMPTS). */
  maxConcepts: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxSessions: 8,
  memoryBudgetBytes: 512 * 1024 ** 2,
  idleTtlMs: 15 * 60_000,
  maxFrames: 1800,
  maxConcepts: 16,
};

export class LocalVideoSessions implements VideoSessions {
  private readonly sessions = new Map<string, { session: VideoSession; dir: string }>();
  private pending = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly model: Sam3Model,
    private readonly queue: InferenceQueue,
    private readonly videoLimits: VideoLimits,
    private readonly fetchPolicy: { urlPolicy: UrlFetchPolicy; maxVideoBytes: number; imageLimits?: ImageLimits },
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly tracking: Partial<TrackingOptions> = {},
  ) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(60_000, Math.max(1000, limits.idleTtlMs / 4)));
    this.sweeper.unref();
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [id, { session }] of this.sessions)
      if (!session.isBusy && now - session.idleSinceMs > this.limits.idleTtlMs) await this.close(id);
  }

  async create(source: SessionSource, signal?: AbortSignal): Promise<VideoSessionInfo> {
    const objects = this.model.info.objects;
    if (!objects)
      throw new SamError(
        'CAPABILITY_MISSING',
        `The model '${this.model.info.name}' has no object pipeline, which video sessions need`,
        { field: 'model' },
      );
    await this.sweep();
    if (this.sessions.size + this.pending >= this.limits.maxSessions) {
      throw new SamError(
        'SESSION_LIMIT',
        `This server holds at most ${this.limits.maxSessions} video sessions; close one (DELETE /v1/video-sessions/{id}) or wait for idle ones to expire`,
        { limit: this.limits.maxSessions },
      );
    }
    const maxFrames = Math.min(this.videoLimits.maxFrames, this.limits.maxFrames);
    if ('frames' in source && source.frames.length > maxFrames)
      throw new SamError(
        'VIDEO_TOO_LARGE',
        `Expected at most ${maxFrames} frames in a session (SAM3_SESSION_MAX_FRAMES, SAM3_MAX_VIDEO_FRAMES) but received ${source.frames.length}`,
        { field: 'frames', limit: maxFrames, received: source.frames.length },
      );
    this.pending++;
    const dir = await mkdtemp(join(tmpdir(), 'sam3-session-'));
    if ('frames' in source) {
      try {
        return await this.createFromImages(source.frames, dir, objects.resolution, objects.maskSize, signal);
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      } finally {
        this.pending--;
      }
    }
    let video = { path: join(dir, 'source'), release: async () => rm(join(dir, 'source'), { force: true }) };
    try {
      if ('bytes' in source) await writeFile(video.path, source.bytes);
      else
        video = await fetchVideoToFile(source.url, this.fetchPolicy.urlPolicy, this.fetchPolicy.maxVideoBytes, signal);
      const info = await probeVideo(video.path, 'video', signal ? { signal } : {});
      const frameCount = checkVideoLimits(
        info,
        { ...this.videoLimits, maxFrames: Math.min(this.videoLimits.maxFrames, this.limits.maxFrames) },
        undefined,
        undefined,
      );
      const frames = await SessionFrames.decode(
        video.path,
        dir,
        objects.resolution,
        frameCount,
        info.frameCountExact ? info.frameCount : undefined,
        signal,
      );
      return this.open(info, frames, dir, objects.resolution, objects.maskSize);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    } finally {
      await video.release().catch(() => undefined);
      this.pending--;
    }
  }

  private open(info: VideoInfo, frames: SessionFrames, dir: string, resolution: number, gridSize: number) {
    const id = randomUUID();
    const session = new VideoSession(id, info, frames, {
      model: this.model,
      queue: this.queue,
      resolution,
      gridSize,
      memoryBudgetBytes: this.limits.memoryBudgetBytes,
      idleTtlMs: this.limits.idleTtlMs,
      maxConcepts: this.limits.maxConcepts,
      tracking: this.tracking,
    });
    this.sessions.set(id, { session, dir });
    return session.describe();
  }

  /** An image sequence: one frame a second (images carry no timing), every image the first one's size. */
  private async createFromImages(
    images: readonly FrameImage[],
    dir: string,
    resolution: number,
    gridSize: number,
    signal?: AbortSignal,
  ): Promise<VideoSessionInfo> {
    const limits = this.fetchPolicy.imageLimits ?? DEFAULT_IMAGE_LIMITS;
    const { frames, width, height } = await SessionFrames.fromImages(
      images,
      dir,
      resolution,
      limits,
      this.videoLimits.maxSidePx,
      signal,
    );
    const count = images.length;
    const info: VideoInfo = {
      width,
      height,
      fps: 1,
      frameCount: count,
      frameCountExact: true,
      durationS: count,
      rotation: 0,
      codec: 'images',
    };
    return this.open(info, frames, dir, resolution, gridSize);
  }

  private session(id: string): VideoSession {
    const found = this.sessions.get(id);
    if (!found)
      throw new SamError('SESSION_NOT_FOUND', `No video session ${id} (closed, expired, or never created)`, {
        field: 'id',
        received: id,
      });
    return found.session;
  }

  get(id: string): VideoSessionInfo {
    return this.session(id).describe();
  }

  prompt(id: string, prompt: SessionPrompt, signal?: AbortSignal) {
    return this.session(id).prompt(prompt, signal);
  }

  propagate(id: string, request: PropagateRequest, events: PropagateEvents) {
    return this.session(id).propagate(request, events);
  }

  reset(id: string): VideoSessionInfo {
    const session = this.session(id);
    session.reset();
    return session.describe();
  }

  removeObject(id: string, objId: number): VideoSessionInfo {
    const session = this.session(id);
    session.removeObject(objId);
    return session.describe();
  }

  async close(id: string): Promise<void> {
    const found = this.sessions.get(id);
    if (!found)
      throw new SamError('SESSION_NOT_FOUND', `No video session ${id} (closed, expired, or never created)`, {
        field: 'id',
        received: id,
      });
    this.sessions.delete(id);
    await found.session.frames.close();
    await rm(found.dir, { recursive: true, force: true });
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    for (const id of [...this.sessions.keys()]) await this.close(id);
  }
}
