// Label Studio ML-backend wire schemas (label_studio_ml/api.py): /predict, /setup, /webhook bodies and the predict
// answer. Unknown keys are accepted and ignored, as the Flask backend does.
import { Type, type Static } from 'typebox';

const open = { additionalProperties: true } as const;

/** Most tasks in one /predict call (Label Studio sends one per call when labelling, batches when pre-annotating). */
export const MAX_TASKS = 64;
/** Most regions in an interactive context (clicks and a box on one object). */
export const MAX_CONTEXT_REGIONS = 64;

export const Task = Type.Object(
  {
    id: Type.Optional(Type.Union([Type.Integer(), Type.String({ maxLength: 200 })])),
    data: Type.Record(Type.String(), Type.Unknown(), { description: 'The task data; the image tag names its key' }),
  },
  open,
);

export const ContextRegion = Type.Object(
  {
    type: Type.String({ maxLength: 64, description: 'keypointlabels or rectanglelabels' }),
    value: Type.Record(Type.String(), Type.Unknown(), { description: 'x, y (and width, height) in percent' }),
    original_width: Type.Optional(Type.Number()),
    original_height: Type.Optional(Type.Number()),
    is_positive: Type.Optional(Type.Union([Type.Boolean(), Type.Integer()])),
  },
  open,
);

export const PredictBody = Type.Object(
  {
    tasks: Type.Array(Task, { minItems: 1, maxItems: MAX_TASKS }),
    label_config: Type.Optional(Type.String({ maxLength: 200_000 })),
    project: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Integer()])),
    model_version: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    params: Type.Optional(
      Type.Object(
        {
          context: Type.Optional(
            Type.Union([
              Type.Object(
                { result: Type.Optional(Type.Array(ContextRegion, { maxItems: MAX_CONTEXT_REGIONS })) },
                open,
              ),
              Type.Null(),
            ]),
          ),
        },
        open,
      ),
    ),
  },
  open,
);
export type PredictBody = Static<typeof PredictBody>;
export type ContextRegion = Static<typeof ContextRegion>;

export const SetupBody = Type.Object(
  {
    project: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Integer()])),
    schema: Type.Optional(Type.String({ maxLength: 200_000 })),
    extra_params: Type.Optional(Type.Unknown()),
  },
  open,
);
export type SetupBody = Static<typeof SetupBody>;

export const LsResult = Type.Object(
  {
    id: Type.String(),
    from_name: Type.String(),
    to_name: Type.String(),
    type: Type.String(),
    original_width: Type.Integer(),
    original_height: Type.Integer(),
    image_rotation: Type.Number(),
    value: Type.Record(Type.String(), Type.Unknown()),
    score: Type.Number(),
    readonly: Type.Boolean(),
  },
  open,
);
export type LsResult = Static<typeof LsResult>;

export const PredictResponse = Type.Object({
  results: Type.Array(
    Type.Object({ result: Type.Array(LsResult), model_version: Type.String(), score: Type.Number() }),
  ),
});
export type PredictResponse = Static<typeof PredictResponse>;
