// X-AnyLabeling-Server's video wire (app/schemas/request.py): init with a frame sequence, prompt a frame with text
// or relative points, propagate (streamed as `data:` events, or as a task to poll), status, cancel, cleanup.
import { Type, type Static } from 'typebox';

const open = { additionalProperties: true } as const;

/** Most points one video prompt may carry (as for image clicks). */
export const MAX_VIDEO_POINTS = 64;

const FrameIndex = Type.Integer({ minimum: 0, maximum: 10_000_000 });

export const VideoInitBody = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 200 }),
    frames: Type.Array(Type.String({ minLength: 1, description: 'base64 image bytes or a data: URI' }), {
      minItems: 1,
      maxItems: 100_000,
      description: 'The sequence, in order (at most SAM3_SESSION_MAX_FRAMES; all the size of the first)',
    }),
    start_frame_index: Type.Optional(FrameIndex),
  },
  open,
);
export type VideoInitBody = Static<typeof VideoInitBody>;

export const VideoPromptParams = Type.Object(
  {
    conf_threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    epsilon_factor: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    show_boxes: Type.Optional(Type.Boolean()),
    show_masks: Type.Optional(Type.Boolean()),
  },
  open,
);
export type VideoPromptParams = Static<typeof VideoPromptParams>;

export const VideoPromptBody = Type.Object(
  {
    session_id: Type.String({ minLength: 1, maxLength: 64 }),
    model: Type.String({ minLength: 1, maxLength: 200 }),
    text_prompt: Type.Optional(Type.Union([Type.String({ maxLength: 16_000 }), Type.Null()])),
    frame_index: Type.Optional(FrameIndex),
    points: Type.Optional(
      Type.Union([
        Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), {
          maxItems: MAX_VIDEO_POINTS,
          description: 'Clicks as [x, y] relative to the frame size (0–1)',
        }),
        Type.Null(),
      ]),
    ),
    point_labels: Type.Optional(
      Type.Union([Type.Array(Type.Integer({ minimum: 0, maximum: 1 }), { maxItems: MAX_VIDEO_POINTS }), Type.Null()]),
    ),
    obj_id: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000_000 }), Type.Null()])),
    params: Type.Optional(VideoPromptParams),
  },
  open,
);
export type VideoPromptBody = Static<typeof VideoPromptBody>;

export const VideoPropagateBody = Type.Object(
  {
    session_id: Type.String({ minLength: 1, maxLength: 64 }),
    model: Type.String({ minLength: 1, maxLength: 200 }),
    start_frame: Type.Optional(Type.Union([FrameIndex, Type.Null()])),
    end_frame: Type.Optional(Type.Union([FrameIndex, Type.Null()])),
    direction: Type.Optional(
      Type.Union([Type.Literal('forward'), Type.Literal('backward'), Type.Literal('both')], {
        description: 'sam3-server extension; X-AnyLabeling propagates forward',
      }),
    ),
  },
  open,
);
export type VideoPropagateBody = Static<typeof VideoPropagateBody>;

export const TaskParams = Type.Object({ task_id: Type.String({ minLength: 1, maxLength: 64 }) });
export const SessionParams = Type.Object({ session_id: Type.String({ minLength: 1, maxLength: 64 }) });
export const CleanupQuery = Type.Object({ model: Type.Optional(Type.String({ maxLength: 200 })) }, open);
export type CleanupQuery = Static<typeof CleanupQuery>;
