// Interactive video sessions: create (upload or URL) → prompt any frame and see its masks → propagate forward,
// backward or both as Server-Sent Events → remove objects → close. Sessions live in this process's engine.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorBody } from '../../api/native-wire.js';
import {
  CreateSessionBody,
  PropagateBody,
  SessionPromptBody,
  SessionPromptResponse,
  SessionResponse,
  type PropagateEvent,
} from '../../api/video-session-wire.js';
import { SamError } from '../../domain/errors.js';
import type { VideoSessions } from '../../engine/video-engine.js';
import { requestError } from '../errors.js';
import { openEventStream, streamCancelSignal, writeEventText } from '../event-stream.js';
import { multipartReader } from './multipart-request.js';
import { sessionFrame, sessionPrompt, sessionResponse } from './video-sessions-translate.js';
import { videoSource } from './videos-translate.js';

export interface VideoSessionRouteOptions {
  /** Absent on an API node of a scaled-out deployment: the routes then answer VIDEO_UNAVAILABLE. */
  sessions: VideoSessions | undefined;
  maxVideoBytes: number;
  requestTimeoutMs: number;
}

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  422: ErrorBody,
  501: ErrorBody,
  503: ErrorBody,
};
const Id = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const;
const IdAndObject = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    obj_id: { type: 'string', pattern: '^[1-9][0-9]{0,8}$', description: 'object id' },
  },
  required: ['id', 'obj_id'],
} as const;

/** Writes one Server-Sent Event, waiting for the socket to drain when the client reads slowly. */
const send = (reply: FastifyReply, e: PropagateEvent): Promise<void> =>
  writeEventText(reply, `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);

export async function nativeVideoSessionRoutes(app: FastifyInstance, options: VideoSessionRouteOptions): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: options.maxVideoBytes, files: 1, fields: 1, parts: 2, fieldSize: 1024 * 1024 },
    throwFileSizeLimit: true,
  });
  const upload = multipartReader('video');
  const sessions = (): VideoSessions => {
    if (!options.sessions)
      throw new SamError(
        'VIDEO_UNAVAILABLE',
        "Interactive video sessions need a server that runs the model itself: sam3 serve without --queue, or an API node started with --work (route a session's requests to that node)",
        {},
      );
    return options.sessions;
  };
  const tags = ['Video sessions'];

  app.post<{ Body: CreateSessionBody }>(
    '/video-sessions',
    {
      schema: {
        tags,
        summary: 'Open a session on a video (decoded once; prompts and propagation then run frame by frame)',
        body: CreateSessionBody,
        response: { 201: SessionResponse, ...errors },
      },
      preValidation: upload.preValidation,
    },
    async (request, reply) => {
      const info = await sessions().create(
        videoSource(request.body.video, upload.file(request), options.maxVideoBytes),
      );
      reply.code(201);
      return sessionResponse(info);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/video-sessions/:id',
    {
      schema: {
        tags,
        summary: 'A session: video, objects, concepts, memory, expiry',
        params: Id,
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request) => sessionResponse(sessions().get(request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: SessionPromptBody }>(
    '/video-sessions/:id/prompts',
    {
      schema: {
        tags,
        summary: "Prompt one frame (text, clicks, a box; obj_id refines an object) and get that frame's masks",
        params: Id,
        body: SessionPromptBody,
        response: { 200: SessionPromptResponse, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.text !== undefined && (body.points || body.box || body.obj_id !== undefined)) {
        throw new SamError(
          'INVALID_ARGUMENT',
          'Expected either text, or points/box (with an optional obj_id), not both',
          { field: 'text' },
        );
      }
      const out = await sessions().prompt(
        request.params.id,
        sessionPrompt(body),
        AbortSignal.timeout(options.requestTimeoutMs),
      );
      return { ...(out.objId !== undefined ? { obj_id: out.objId } : {}), frame: sessionFrame(out.frame) };
    },
  );

  app.post<{ Params: { id: string }; Body: PropagateBody }>(
    '/video-sessions/:id/propagate',
    {
      schema: {
        tags,
        summary:
          'Propagate the prompts through the video; streams text/event-stream: "frame" per visited frame, "removed", then "done" (or "error")',
        params: Id,
        body: PropagateBody,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const store = sessions();
      store.get(request.params.id);
      const cancelled = streamCancelSignal(reply);
      let streaming = false;
      const start = (): void => {
        if (streaming) return;
        streaming = true;
        openEventStream(reply);
      };
      const body = request.body ?? {};
      try {
        const done = await store.propagate(
          request.params.id,
          {
            direction: body.direction ?? 'both',
            ...(body.start_frame !== undefined ? { startFrame: body.start_frame } : {}),
            ...(body.max_frames !== undefined ? { maxFrames: body.max_frames } : {}),
            signal: cancelled,
          },
          {
            frame: async (f) => {
              start();
              await send(reply, { event: 'frame', data: sessionFrame(f) });
            },
            removed: async (ids) => {
              start();
              await send(reply, { event: 'removed', data: { obj_ids: ids } });
            },
          },
        );
        start();
        await send(reply, { event: 'done', data: { frames: done.framesDone, mode: done.mode } });
        reply.raw.end();
      } catch (thrown) {
        if (!streaming) throw thrown;
        const { error } = requestError(thrown);
        if (error.code === 'INTERNAL' || error.kind === 'internal')
          request.log.error({ err: thrown }, 'propagation failed');
        if (!reply.raw.destroyed) {
          await send(reply, {
            event: 'error',
            data: {
              error: {
                code: error.code,
                message: error.code === 'INTERNAL' ? 'Internal error; the server log has the details' : error.message,
                details: {},
              },
            },
          });
          reply.raw.end();
        }
      }
      return reply;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/video-sessions/:id/reset',
    {
      schema: {
        tags,
        summary: 'Forget every prompt, concept, object and stored mask; the decoded frames stay',
        params: Id,
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request) => sessionResponse(sessions().reset(request.params.id)),
  );

  app.delete<{ Params: { id: string; obj_id: string } }>(
    '/video-sessions/:id/objects/:obj_id',
    {
      schema: {
        tags,
        summary: 'Remove an object from the session (its prompts and masks; its id is not reused)',
        params: IdAndObject,
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request) => sessionResponse(sessions().removeObject(request.params.id, Number(request.params.obj_id))),
  );

  app.delete<{ Params: { id: string } }>(
    '/video-sessions/:id',
    {
      schema: {
        tags,
        summary: 'Close a session and delete its files',
        params: Id,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      await sessions().close(request.params.id);
      reply.code(204);
      return null;
    },
  );
}
