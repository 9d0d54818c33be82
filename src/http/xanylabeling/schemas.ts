// X-AnyLabeling remote-server wire schemas (X-AnyLabeling-Server app/schemas): /v1/predict with a model id, the image
// as base64 or a data URI and free-form params (text_prompt, marks, conf_threshold, epsilon_factor, …); answers
// {success, data} or {success: false, error}.
import { Type, type Static } from 'typebox';

const open = { additionalProperties: true } as const;

/** Most marks (clicks and boxes) in one request. */
export const MAX_MARKS = 128;

export const Mark = Type.Object(
  {
    type: Type.String({ maxLength: 32, description: 'point ([x, y]) or rectangle ([x1, y1, x2, y2]), in pixels' }),
    data: Type.Array(Type.Number(), { maxItems: 4 }),
    label: Type.Optional(Type.Union([Type.Integer(), Type.Boolean()], { description: '1 positive, 0 negative' })),
  },
  open,
);
export type Mark = Static<typeof Mark>;

export const PredictBody = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 200 }),
    image: Type.String({ minLength: 1, description: 'base64 bytes or a data: URI' }),
    params: Type.Optional(
      Type.Object(
        {
          text_prompt: Type.Optional(Type.String({ maxLength: 16_000 })),
          marks: Type.Optional(Type.Array(Mark, { maxItems: MAX_MARKS })),
          conf_threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          epsilon_factor: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          show_boxes: Type.Optional(Type.Boolean()),
          show_masks: Type.Optional(Type.Boolean()),
        },
        open,
      ),
    ),
  },
  open,
);
export type PredictBody = Static<typeof PredictBody>;

export const Shape = Type.Object({
  label: Type.String(),
  shape_type: Type.Enum(['polygon', 'rectangle']),
  points: Type.Array(Type.Array(Type.Number())),
  score: Type.Optional(Type.Number()),
  group_id: Type.Optional(Type.Integer()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  difficult: Type.Boolean(),
  direction: Type.Number(),
  kie_linking: Type.Array(Type.Unknown()),
});
export type Shape = Static<typeof Shape>;

export const PredictResponse = Type.Object({
  success: Type.Boolean(),
  data: Type.Object({
    shapes: Type.Array(Shape),
    description: Type.String(),
    replace: Type.Optional(Type.Boolean()),
  }),
});
