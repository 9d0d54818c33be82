// The native interactive video session contract (/v1/video-sessions): TypeBox schemas and static types, shared by
// the server and the playground. Frames use the RLE document's frame shape; propagation streams Server-Sent Events.
import { Type, type Static } from 'typebox';
import { Pair } from './fixed-arrays.js';
import { BoxXyxy, WireVideo } from './native-wire.js';

const WireRle = Type.Object({ size: Pair(Type.Integer(), { description: '[height, width]' }), counts: Type.String() });

export const WireSessionFrame = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  time_s: Type.Number(),
  objects: Type.Array(
    Type.Object({ id: Type.Integer({ minimum: 1 }), score: Type.Number(), box: BoxXyxy, rle: WireRle }),
  ),
});
export type WireSessionFrame = Static<typeof WireSessionFrame>;

export const CreateSessionBody = Type.Object(
  { video: Type.Optional(WireVideo) },
  { additionalProperties: false, description: 'JSON with video.url / video.base64, or multipart with a "video" file' },
);
export type CreateSessionBody = Static<typeof CreateSessionBody>;

export const SessionResponse = Type.Object({
  id: Type.String(),
  video: Type.Object({
    width: Type.Integer(),
    height: Type.Integer(),
    fps: Type.Number(),
    frame_count: Type.Integer({ description: 'Frames in the session (prompts and propagation use these indices)' }),
  }),
  objects: Type.Array(Type.Object({ id: Type.Integer(), label: Type.String(), first_frame: Type.Integer() })),
  concepts: Type.Array(Type.String()),
  memory_bytes: Type.Integer({ description: 'Memory the session holds now' }),
  memory_budget_bytes: Type.Integer(),
  expires_at: Type.String({ description: 'When the session closes if left idle (ISO 8601)' }),
});
export type SessionResponse = Static<typeof SessionResponse>;

export const SessionPromptBody = Type.Object(
  {
    frame_index: Type.Integer({ minimum: 0, description: 'Frame the prompt is on' }),
    text: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        description: 'Concepts ("person, cloth"), detected here and on every frame propagation visits',
      }),
    ),
    points: Type.Optional(
      Type.Array(
        Type.Object(
          {
            x: Type.Number(),
            y: Type.Number(),
            positive: Type.Optional(Type.Boolean({ description: 'false = background click (default true)' })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 64 },
      ),
    ),
    box: Type.Optional(BoxXyxy),
    obj_id: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: 'Refine this object (clicks on the same frame add up); default: a new object',
      }),
    ),
    label: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type SessionPromptBody = Static<typeof SessionPromptBody>;

export const SessionPromptResponse = Type.Object({
  obj_id: Type.Optional(Type.Integer({ description: 'The clicked object (new or refined)' })),
  frame: WireSessionFrame,
});
export type SessionPromptResponse = Static<typeof SessionPromptResponse>;

export const PropagateBody = Type.Object(
  {
    direction: Type.Optional(Type.Enum(['forward', 'backward', 'both'], { description: 'Default both' })),
    start_frame: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Default: the earliest prompted frame (the latest for backward)' }),
    ),
    max_frames: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Frames to visit per direction, the start included' }),
    ),
  },
  { additionalProperties: false },
);
export type PropagateBody = Static<typeof PropagateBody>;

/** Server-Sent Events of POST …/propagate: `frame` (a WireSessionFrame), `removed`, `done`, `error`. */
export type PropagateEvent =
  | { event: 'frame'; data: WireSessionFrame }
  | { event: 'removed'; data: { obj_ids: number[] } }
  | { event: 'done'; data: { frames: number; mode: 'memory-tracker' | 'tracking-by-detection' } }
  | { event: 'error'; data: { error: { code: string; message: string; details: Record<string, unknown> } } };
