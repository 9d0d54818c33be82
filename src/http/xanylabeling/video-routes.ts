// X-AnyLabeling's video endpoints on the engine's video sessions: /v1/video/init (a frame sequence), prompt (text or
// relative clicks on one frame), propagate/stream (`data:` events: started, progress, completed or error),
// propagate + status + cancel (the same as a task to poll), cleanup. Translate in, call the port, translate out.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SamError } from '../../domain/errors.js';
import type { VideoSessions } from '../../engine/video-engine.js';
import { requestError } from '../errors.js';
import { openEventStream, streamCancelSignal, writeEventText } from '../event-stream.js';
import { requestSignal } from '../request-signal.js';
import { splitTextPrompt } from './translate.js';
import { PropagationRuns, type PropagationEvent } from './video-propagation.js';
import {
  CleanupQuery,
  SessionParams,
  TaskParams,
  VideoInitBody,
  VideoPromptBody,
  VideoPropagateBody,
} from './video-schemas.js';
import { frameShapes, sessionFrameIndex, VIDEO_MODEL, videoClickPrompt, videoShapeOptions } from './video-translate.js';

export interface XAnyLabelingVideoOptions {
  /** Absent where this process holds no sessions: every route then answers VIDEO_UNAVAILABLE. */
  sessions: VideoSessions | undefined;
  /** Largest init body (every frame as base64). */
  maxInitBytes: number;
  requestTimeoutMs: number;
}

/** Decoding a long sequence takes a while; the request still has a deadline. */
const INIT_DEADLINE_MS = 10 * 60_000;

const writeEvent = (reply: FastifyReply, event: PropagationEvent): Promise<void> =>
  writeEventText(reply, `data: ${JSON.stringify(event)}\n\n`);

export async function xAnyLabelingVideoRoutes(app: FastifyInstance, options: XAnyLabelingVideoOptions): Promise<void> {
  const tags = ['X-AnyLabeling remote server'];
  const store = (model: string | undefined): VideoSessions => {
    if (model !== undefined && model !== VIDEO_MODEL)
      throw new SamError(
        'MODEL_NOT_FOUND',
        `Model ${JSON.stringify(model)} has no video endpoints; use ${VIDEO_MODEL}`,
        {
          field: 'model',
          received: model,
        },
      );
    if (!options.sessions)
      throw new SamError(
        'VIDEO_UNAVAILABLE',
        'Video sessions need a server that runs the model itself (sam3 serve without --queue, or with --work)',
        {},
      );
    return options.sessions;
  };
  const runs = new PropagationRuns();

  app.post<{ Body: VideoInitBody }>(
    '/v1/video/init',
    {
      bodyLimit: options.maxInitBytes,
      schema: { tags, summary: 'Open a video session on a sequence of images', body: VideoInitBody },
    },
    async (request, reply) => {
      const sessions = store(request.body.model);
      const start = request.body.start_frame_index ?? 0;
      const frames = request.body.frames.map((base64) => ({ base64 }));
      const info = await sessions.create({ frames }, requestSignal(reply, INIT_DEADLINE_MS));
      runs.openSession(info.id, { start, count: info.frameCount, width: info.info.width, height: info.info.height });
      return { success: true, data: { session_id: info.id, num_frames: info.frameCount, start_frame_index: start } };
    },
  );

  app.post<{ Body: VideoPromptBody }>(
    '/v1/video/prompt',
    { schema: { tags, summary: 'Prompt one frame with text or clicks; answers its shapes', body: VideoPromptBody } },
    async (request, reply) => {
      const body = request.body;
      const sessions = store(body.model);
      const session = runs.session(body.session_id, sessions);
      const frameIndex = sessionFrameIndex(body.frame_index ?? 0, session.start, session.count, 'frame_index');
      const signal = requestSignal(reply, options.requestTimeoutMs);
      const shapeOptions = videoShapeOptions(body.params);
      let prompt;
      if (body.text_prompt) {
        // As the reference: a text prompt starts the session over with these concepts.
        const phrases = splitTextPrompt(body.text_prompt.replace(/\.+$/, ''));
        if (!phrases.length)
          throw new SamError('PROMPT_REQUIRED', 'text_prompt names no concept', { field: 'text_prompt' });
        sessions.reset(body.session_id);
        prompt = { frameIndex, text: phrases.join(', '), outlines: true };
      } else if (body.points?.length) {
        prompt = videoClickPrompt(body, frameIndex, session);
      } else {
        throw new SamError('PROMPT_REQUIRED', 'Expected text_prompt or points', { field: 'text_prompt' });
      }
      const { frame } = await sessions.prompt(body.session_id, prompt, signal);
      runs.prompted(body.session_id, frameIndex, shapeOptions);
      const shapes = frameShapes(frame, runs.labels(body.session_id, sessions), shapeOptions);
      return {
        success: true,
        data: { frame_index: body.frame_index ?? 0, masks: shapes, num_objects: shapes.length },
      };
    },
  );

  app.post<{ Body: VideoPropagateBody }>(
    '/v1/video/propagate/stream',
    {
      schema: {
        tags,
        summary: 'Propagate the prompts; streams `data:` events: started, progress per frame, completed (or error)',
        body: VideoPropagateBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const plan = runs.plan(body, store(body.model));
      const cancelled = streamCancelSignal(reply);
      openEventStream(reply);
      try {
        await runs.run(plan, cancelled, (event) => writeEvent(reply, event));
      } catch (thrown) {
        const { error } = requestError(thrown);
        if (error.kind === 'internal') request.log.error({ err: thrown }, 'propagation failed');
        const message = error.kind === 'internal' ? 'Internal error; the server log has the details' : error.message;
        if (!reply.raw.destroyed) await writeEvent(reply, { type: 'error', code: error.code, message });
      }
      if (!reply.raw.destroyed) reply.raw.end();
      return reply;
    },
  );

  app.post<{ Body: VideoPropagateBody }>(
    '/v1/video/propagate',
    {
      schema: {
        tags,
        summary: 'Start propagation as a task (poll /v1/video/status/{task_id})',
        body: VideoPropagateBody,
      },
    },
    async (request) => {
      const body = request.body;
      const task = runs.startTask(runs.plan(body, store(body.model)), request.log);
      return { success: true, data: { task_id: task, status: 'processing', message: 'Propagation started' } };
    },
  );

  app.get<{ Params: { task_id: string } }>(
    '/v1/video/status/:task_id',
    {
      schema: {
        tags,
        summary: 'A propagation task: status, progress, and its results once completed',
        params: TaskParams,
      },
    },
    async (request) => ({ success: true, data: runs.status(request.params.task_id) }),
  );

  app.post<{ Params: { task_id: string } }>(
    '/v1/video/cancel/:task_id',
    { schema: { tags, summary: 'Cancel a propagation task', params: TaskParams } },
    async (request) => {
      runs.cancel(request.params.task_id);
      return { success: true, data: { message: 'Task cancelled' } };
    },
  );

  app.post<{ Params: { session_id: string }; Querystring: CleanupQuery }>(
    '/v1/video/cleanup/:session_id',
    {
      schema: {
        tags,
        summary: 'Close a session and delete its frames',
        params: SessionParams,
        querystring: CleanupQuery,
      },
    },
    async (request) => {
      const id = request.params.session_id;
      runs.closeSession(id);
      await store(request.query.model).close(id);
      return { success: true, data: { message: `Session ${id} cleaned up` } };
    },
  );

  app.addHook('onClose', async () => runs.cancelAll());
}
