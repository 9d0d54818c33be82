// Roboflow /sam3/* wire schemas (roboflow/inference entities: Sam3SegmentationRequest, Sam2SegmentationRequest,
// Sam2EmbeddingRequest). Unknown keys are accepted and ignored as pydantic does; deviations: docs/api/roboflow.md.
import { Type, type Static } from 'typebox';
import { MAX_BOXES_PER_CONCEPT, MAX_CONCEPT_TEXT_CHARS, MAX_POINTS_PER_OBJECT } from '../../domain/prompts.js';

const open = { additionalProperties: true } as const;
const unit = Type.Number({ minimum: 0, maximum: 1 });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const RoboflowImage = Type.Object(
  {
    type: Type.Enum(['url', 'base64'], {
      description: '"numpy" (pickled arrays) is refused, as upstream does by default',
    }),
    value: Type.String({ minLength: 1, description: 'URL, or base64 bytes with or without a data: prefix' }),
  },
  open,
);

const BoxXywh = Type.Object({ x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number() }, open);
const BoxXyxy = Type.Object({ x0: Type.Number(), y0: Type.Number(), x1: Type.Number(), y1: Type.Number() }, open);

export const Sam3Prompt = Type.Object(
  {
    type: Type.Optional(nullable(Type.Enum(['text', 'visual']))),
    text: Type.Optional(nullable(Type.String({ maxLength: MAX_CONCEPT_TEXT_CHARS }))),
    boxes: Type.Optional(
      nullable(
        Type.Array(Type.Union([BoxXywh, BoxXyxy]), {
          maxItems: MAX_BOXES_PER_CONCEPT,
          description: 'top-left {x,y,width,height} or {x0,y0,x1,y1}, pixels',
        }),
      ),
    ),
    box_labels: Type.Optional(
      nullable(Type.Array(Type.Union([Type.Enum([0, 1]), Type.Boolean()]), { maxItems: MAX_BOXES_PER_CONCEPT })),
    ),
    output_prob_thresh: Type.Optional(nullable(unit)),
  },
  open,
);
export type Sam3Prompt = Static<typeof Sam3Prompt>;

const FORMAT_DESCRIPTION = 'polygon | json (alias of polygon) | rle';

export const conceptSegmentBody = (maxPrompts: number) =>
  Type.Object(
    {
      image: RoboflowImage,
      image_id: Type.Optional(nullable(Type.String({ maxLength: 256 }))),
      prompts: Type.Array(Sam3Prompt, { minItems: 1, maxItems: maxPrompts }),
      output_prob_thresh: Type.Optional(nullable(unit)),
      format: Type.Optional(Type.Enum(['polygon', 'json', 'rle'], { description: FORMAT_DESCRIPTION })),
      nms_iou_threshold: Type.Optional(nullable(unit)),
      model_id: Type.Optional(nullable(Type.String())),
      api_key: Type.Optional(nullable(Type.String())),
    },
    open,
  );
export type ConceptSegmentBody = Static<ReturnType<typeof conceptSegmentBody>>;

const PvsPoint = Type.Object({ x: Type.Number(), y: Type.Number(), positive: Type.Boolean() }, open);
export const Sam2Prompt = Type.Object(
  {
    box: Type.Optional(
      nullable(
        Type.Object(
          { x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number() },
          { ...open, description: 'CENTRE-anchored: x,y is the box centre' },
        ),
      ),
    ),
    points: Type.Optional(nullable(Type.Array(PvsPoint, { maxItems: MAX_POINTS_PER_OBJECT }))),
  },
  open,
);
export type Sam2Prompt = Static<typeof Sam2Prompt>;

/** Upstream's `prompts` is a Sam2PromptSet `{prompts: [...]}`; a flat list or a single prompt object is accepted too. */
export const visualSegmentBody = (maxPrompts: number) =>
  Type.Object(
    {
      image: Type.Optional(RoboflowImage),
      image_id: Type.Optional(nullable(Type.String({ maxLength: 256 }))),
      prompts: Type.Optional(
        nullable(
          Type.Union([
            Type.Object({ prompts: Type.Optional(nullable(Type.Array(Sam2Prompt, { maxItems: maxPrompts }))) }, open),
            Type.Array(Sam2Prompt, { maxItems: maxPrompts }),
          ]),
        ),
      ),
      multimask_output: Type.Optional(Type.Boolean()),
      format: Type.Optional(Type.Enum(['json', 'polygon', 'rle'], { description: FORMAT_DESCRIPTION })),
      save_logits_to_cache: Type.Optional(Type.Boolean()),
      load_logits_from_cache: Type.Optional(Type.Boolean()),
      sam2_version_id: Type.Optional(nullable(Type.String())),
      model_id: Type.Optional(nullable(Type.String())),
      api_key: Type.Optional(nullable(Type.String())),
    },
    open,
  );
export type VisualSegmentBody = Static<ReturnType<typeof visualSegmentBody>>;

export const EmbedImageBody = Type.Object(
  {
    image: RoboflowImage,
    image_id: Type.Optional(nullable(Type.String({ maxLength: 256 }))),
    api_key: Type.Optional(nullable(Type.String())),
  },
  open,
);
export type EmbedImageBody = Static<typeof EmbedImageBody>;

const Prediction = Type.Object({
  masks: Type.Union([
    Type.Array(Type.Array(Type.Array(Type.Number()))),
    Type.Object({ size: Type.Array(Type.Integer()), counts: Type.String() }),
  ]),
  confidence: Type.Number(),
  format: Type.String(),
});
export type Prediction = Static<typeof Prediction>;

export const ConceptSegmentResponse = Type.Object({
  prompt_results: Type.Array(
    Type.Object({
      prompt_index: Type.Integer(),
      echo: Type.Object({
        prompt_index: Type.Integer(),
        type: Type.String(),
        text: nullable(Type.String()),
        num_boxes: Type.Integer(),
      }),
      predictions: Type.Array(Prediction),
    }),
  ),
  time: Type.Number(),
});
export type ConceptSegmentResponse = Static<typeof ConceptSegmentResponse>;

export const VisualSegmentResponse = Type.Object({ predictions: Type.Array(Prediction), time: Type.Number() });
export type VisualSegmentResponse = Static<typeof VisualSegmentResponse>;

export const EmbedImageResponse = Type.Object({ image_id: Type.String(), time: Type.Number() });
