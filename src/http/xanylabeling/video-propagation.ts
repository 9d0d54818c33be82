// What X-AnyLabeling's video protocol keeps beside an engine session: its frame numbering (start_frame_index), frame
// size, last prompt frame and shape options; propagation runs turned into its events; and polled propagation tasks
// (bounded: finished ones kept 15 minutes, at most 64).
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { SamError } from '../../domain/errors.js';
import type { VideoFrameResult } from '../../domain/video.js';
import type { VideoSessions } from '../../engine/video-engine.js';
import { requestError } from '../errors.js';
import type { Shape } from './schemas.js';
import type { VideoPropagateBody } from './video-schemas.js';
import { frameShapes, sessionFrameIndex, videoShapeOptions, type VideoShapeOptions } from './video-translate.js';

export type PropagationEvent =
  | { type: 'started'; total_frames: number; start_frame_index: number }
  | { type: 'progress'; current_frame: number; total_frames: number; progress: number }
  | { type: 'completed'; results: Record<string, { masks: Shape[] }> }
  | { type: 'error'; code: string; message: string };

interface SurfaceSession {
  start: number;
  count: number;
  width: number;
  height: number;
  promptFrame?: number;
  options: VideoShapeOptions;
}

export interface PropagationPlan {
  sessionId: string;
  sessions: VideoSessions;
  session: SurfaceSession;
  direction: 'forward' | 'backward' | 'both';
  startFrame?: number;
  maxFrames?: number;
}

interface Task {
  sessionId: string;
  status: 'processing' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  currentFrame: number;
  totalFrames: number;
  results?: Record<string, { masks: Shape[] }>;
  error?: string;
  controller: AbortController;
  finishedAtMs?: number;
}

const MAX_SESSIONS = 256;
const MAX_FINISHED_TASKS = 64;
const TASK_TTL_MS = 15 * 60_000;

export class PropagationRuns {
  private readonly state = new Map<string, SurfaceSession>();
  private readonly tasks = new Map<string, Task>();

  openSession(id: string, base: Omit<SurfaceSession, 'options'>): void {
    this.state.set(id, { ...base, options: videoShapeOptions(undefined) });
    for (const key of this.state.keys()) {
      if (this.state.size <= MAX_SESSIONS) break;
      this.state.delete(key);
    }
  }

  /** This protocol's view of a session; one opened elsewhere (the native API) counts from frame 0. */
  session(id: string, sessions: VideoSessions): SurfaceSession {
    let found = this.state.get(id);
    let info;
    try {
      info = sessions.get(id);
    } catch (error) {
      this.state.delete(id);
      throw error;
    }
    if (!found) {
      this.openSession(id, { start: 0, count: info.frameCount, width: info.info.width, height: info.info.height });
      found = this.state.get(id)!;
    }
    return found;
  }

  prompted(id: string, frameIndex: number, options: VideoShapeOptions): void {
    const s = this.state.get(id);
    if (s) Object.assign(s, { promptFrame: frameIndex, options });
  }

  labels(id: string, sessions: VideoSessions): Map<number, string> {
    return new Map(sessions.get(id).objects.map((o) => [o.id, o.label]));
  }

  plan(body: VideoPropagateBody, sessions: VideoSessions): PropagationPlan {
    const session = this.session(body.session_id, sessions);
    const direction = body.direction ?? 'forward';
    const at = (v: number, field: string) => sessionFrameIndex(v, session.start, session.count, field);
    const startFrame = typeof body.start_frame === 'number' ? at(body.start_frame, 'start_frame') : undefined;
    let maxFrames: number | undefined;
    if (typeof body.end_frame === 'number') {
      const end = at(body.end_frame, 'end_frame');
      const from = startFrame ?? session.promptFrame ?? 0;
      if (direction !== 'forward' || end < from)
        throw new SamError('INVALID_ARGUMENT', 'end_frame bounds a forward propagation: expected start ≤ end', {
          field: 'end_frame',
          expected: `forward, ≥ ${from + session.start}`,
          received: body.end_frame,
        });
      maxFrames = end - from + 1;
    }
    return {
      sessionId: body.session_id,
      sessions,
      session,
      direction,
      ...(startFrame !== undefined ? { startFrame } : {}),
      ...(maxFrames !== undefined ? { maxFrames } : {}),
    };
  }

  /** Runs one propagation, emitting started, a progress event per frame, then completed with every frame's shapes. */
  async run(plan: PropagationPlan, signal: AbortSignal, emit: (e: PropagationEvent) => unknown): Promise<void> {
    const { session } = plan;
    await emit({ type: 'started', total_frames: session.count, start_frame_index: session.start });
    const collected = new Map<number, VideoFrameResult>();
    await plan.sessions.propagate(
      plan.sessionId,
      {
        direction: plan.direction,
        ...(plan.startFrame !== undefined ? { startFrame: plan.startFrame } : {}),
        ...(plan.maxFrames !== undefined ? { maxFrames: plan.maxFrames } : {}),
        outlines: true,
        signal,
      },
      {
        frame: async (f) => {
          collected.set(f.index, f);
          await emit({
            type: 'progress',
            current_frame: f.index + session.start,
            total_frames: session.count,
            progress: collected.size / session.count,
          });
        },
        removed: (ids) => {
          const gone = new Set(ids);
          for (const [k, f] of collected) collected.set(k, { ...f, objects: f.objects.filter((o) => !gone.has(o.id)) });
        },
      },
    );
    const labels = this.labels(plan.sessionId, plan.sessions);
    const results: Record<string, { masks: Shape[] }> = {};
    for (const [index, f] of [...collected].sort((a, b) => a[0] - b[0]))
      results[String(index + session.start)] = { masks: frameShapes(f, labels, session.options) };
    await emit({ type: 'completed', results });
  }

  startTask(plan: PropagationPlan, log: FastifyBaseLogger): string {
    this.sweep();
    const id = randomUUID();
    const task: Task = {
      sessionId: plan.sessionId,
      status: 'processing',
      progress: 0,
      currentFrame: 0,
      totalFrames: plan.session.count,
      controller: new AbortController(),
    };
    this.tasks.set(id, task);
    const finish = (status: Task['status'], extra: Partial<Task> = {}) =>
      Object.assign(task, { status, finishedAtMs: Date.now() }, extra);
    void this.run(plan, task.controller.signal, (e) => {
      if (e.type === 'progress') Object.assign(task, { progress: e.progress, currentFrame: e.current_frame });
      else if (e.type === 'completed') finish('completed', { progress: 1, results: e.results });
    }).catch((thrown: unknown) => {
      if (task.controller.signal.aborted) return finish('cancelled');
      const { error } = requestError(thrown);
      if (error.kind === 'internal') log.error({ err: thrown }, 'propagation task failed');
      finish('failed', { error: error.kind === 'internal' ? 'Internal error' : `${error.code}: ${error.message}` });
    });
    return id;
  }

  private task(id: string): Task {
    const task = this.tasks.get(id);
    if (!task)
      throw new SamError(
        'JOB_NOT_FOUND',
        `No propagation task ${id} (finished over 15 minutes ago, or never started)`,
        {
          field: 'task_id',
          received: id,
        },
      );
    return task;
  }

  status(id: string): Record<string, unknown> {
    const t = this.task(id);
    return {
      status: t.status,
      progress: t.progress,
      current_frame: t.currentFrame,
      total_frames: t.totalFrames,
      ...(t.results ? { results: t.results } : {}),
      ...(t.error ? { error: t.error } : {}),
    };
  }

  cancel(id: string): void {
    const task = this.task(id);
    if (task.status === 'processing')
      task.controller.abort(new SamError('REQUEST_CANCELLED', 'The propagation task was cancelled', {}));
  }

  closeSession(id: string): void {
    this.state.delete(id);
    for (const [taskId, t] of this.tasks) if (t.sessionId === id && t.status === 'processing') this.cancel(taskId);
  }

  cancelAll(): void {
    for (const [taskId, t] of this.tasks) if (t.status === 'processing') this.cancel(taskId);
  }

  /** Drops finished tasks past their TTL, then the oldest finished ones beyond the cap. */
  private sweep(): void {
    const now = Date.now();
    const finished = [...this.tasks].filter(([, t]) => t.finishedAtMs !== undefined);
    for (const [id, t] of finished) if (now - t.finishedAtMs! > TASK_TTL_MS) this.tasks.delete(id);
    const left = finished.filter(([id]) => this.tasks.has(id));
    for (const [id] of left.slice(0, Math.max(0, left.length - MAX_FINISHED_TASKS + 1))) this.tasks.delete(id);
  }
}
