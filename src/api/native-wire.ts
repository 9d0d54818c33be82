// The native /v1 wire contract: TypeBox schemas and their static types, shared by the server, the CLI's --server
// mode and the playground. snake_case on the wire; coordinates are pixels of the EXIF-rotated image.
import { Type, type Static } from 'typebox';
import { Pair, Quad } from './fixed-arrays.js';

const unit = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const BoxXyxy = Quad(Type.Number(), { description: '[x0, y0, x1, y1] in pixels' });

export const WireImage = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 8192,
        description: 'http(s) URL; private, loopback and link-local addresses are refused',
      }),
    ),
    base64: Type.Optional(Type.String({ minLength: 1, description: 'base64 bytes or a data:image/…;base64, URI' })),
  },
  {
    additionalProperties: false,
    description: 'Exactly one of url or base64 (or upload the file as multipart field "image")',
  },
);

export const WirePrompt = Type.Object(
  {
    type: Type.Enum(['concept', 'object', 'everything'], {
      description:
        'concept: every instance of text and/or exemplars; object: one object from points and/or a box; everything: automatic masks of the whole image from a grid of clicks (at most one)',
    }),
    text: Type.Optional(
      Type.String({ maxLength: 1000, description: 'concept: a noun phrase, e.g. "yellow school bus"' }),
    ),
    exemplars: Type.Optional(
      Type.Array(
        Type.Object(
          {
            box: BoxXyxy,
            positive: Type.Optional(Type.Boolean({ description: 'false = exclude things like this (default true)' })),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 64,
          description: 'concept: boxes around examples',
        },
      ),
    ),
    threshold: Type.Optional(unit('concept: score threshold for this prompt (overrides the request)')),
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
        {
          maxItems: 64,
          description: 'object: clicks',
        },
      ),
    ),
    box: Type.Optional(BoxXyxy),
    multimask: Type.Optional(
      Type.Boolean({ description: 'object: return all 3 candidates, best first (default false = best only)' }),
    ),
    refine_previous: Type.Optional(
      Type.Boolean({
        description:
          'object: refine the mask of the earlier request on this image whose clicks were these less the last one ' +
          "(its logits become the decoder's mask prompt, as SAM's interactive tools do); needs a bundle with the " +
          'refinement decoder (`sam3 models export` writes it), otherwise ignored',
      }),
    ),
    points_per_side: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 64, description: 'everything: clicks per grid side (default 16)' }),
    ),
    pred_iou_threshold: Type.Optional(unit('everything: least predicted IoU kept (default 0.88)')),
    stability_threshold: Type.Optional(unit('everything: least stability score kept (default 0.95)')),
    box_nms_threshold: Type.Optional(unit('everything: box IoU above which the weaker mask is dropped (default 0.7)')),
    min_area: Type.Optional(Type.Integer({ minimum: 0, description: 'everything: smallest mask kept, in pixels' })),
  },
  { additionalProperties: false },
);

export const MASK_FORMATS = ['rle', 'rle_uncompressed', 'polygons', 'png'] as const;

export const SegmentBody = Type.Object(
  {
    image: Type.Optional(WireImage),
    image_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'cache key: reuse an embedding from /v1/embed or an earlier request',
      }),
    ),
    prompts: Type.Array(WirePrompt, { minItems: 1 }),
    threshold: Type.Optional(unit('concept score threshold (default 0.5)')),
    nms_iou_threshold: Type.Optional(unit('cross-prompt mask NMS (off when absent)')),
    max_detections: Type.Optional(Type.Integer({ minimum: 1, description: 'most instances per concept' })),
    mask_formats: Type.Optional(
      Type.Array(Type.Enum([...MASK_FORMATS]), { minItems: 1, maxItems: 4, description: 'default ["rle"]' }),
    ),
  },
  { additionalProperties: false },
);
export type SegmentBody = Static<typeof SegmentBody>;
export type WirePrompt = Static<typeof WirePrompt>;

const Ring = Type.Array(Pair(Type.Number()));

export const WireMask = Type.Object({
  rle: Type.Optional(
    Type.Object(
      { size: Pair(Type.Integer()), counts: Type.String() },
      { description: 'COCO compressed RLE (pycocotools-exact)' },
    ),
  ),
  rle_uncompressed: Type.Optional(Type.Object({ size: Pair(Type.Integer()), counts: Type.Array(Type.Integer()) })),
  polygons: Type.Optional(
    Type.Array(Type.Object({ outer: Ring, holes: Type.Array(Ring) }), {
      description: 'one per connected component, with holes',
    }),
  ),
  png: Type.Optional(Type.String({ description: 'base64 1-channel PNG, 255 inside' })),
});

export const WireInstance = Type.Object({
  score: Type.Number(),
  box: BoxXyxy,
  area: Type.Integer(),
  mask: WireMask,
});

export const WirePromptResult = Type.Object({
  index: Type.Integer(),
  type: Type.Enum(['concept', 'object', 'everything']),
  text: Type.Optional(Type.String()),
  object_score: Type.Optional(Type.Number({ description: 'object: presence probability' })),
  instances: Type.Array(WireInstance),
});

export const SegmentResponse = Type.Object({
  image_id: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  prompts: Type.Array(WirePromptResult),
  timings_ms: Type.Record(Type.String(), Type.Number()),
});
export type SegmentResponse = Static<typeof SegmentResponse>;
export type WireInstance = Static<typeof WireInstance>;
export type WireMask = Static<typeof WireMask>;

export const EmbedBody = Type.Object(
  { image: WireImage, image_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
  { additionalProperties: false },
);
export type EmbedBody = Static<typeof EmbedBody>;
export const EmbedResponse = Type.Object({
  image_id: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  timings_ms: Type.Record(Type.String(), Type.Number()),
});
export type EmbedResponse = Static<typeof EmbedResponse>;

export const ModelsResponse = Type.Object({
  models: Type.Array(
    Type.Object({
      name: Type.String(),
      label: Type.String(),
      dtype: Type.String(),
      device: Type.String(),
      capabilities: Type.Object({ concepts: Type.Boolean(), objects: Type.Boolean() }),
      graphs: Type.Array(Type.Object({ role: Type.String(), contract: Type.String(), file: Type.String() })),
      vocabulary: Type.Optional(
        Type.Array(Type.String(), {
          description:
            'The only concept words a closed-vocabulary model knows (the demo model: colours); absent for SAM 3',
        }),
      ),
    }),
  ),
});
export type ModelsResponse = Static<typeof ModelsResponse>;

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const JobResponse = Type.Object({
  id: Type.String(),
  kind: Type.Enum(['image', 'video']),
  model: Type.String(),
  status: Type.Enum(['created', 'processing', 'completed', 'failed', 'cancelled']),
  progress: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: '0..1 where known' }),
  attempts: Type.Integer(),
  created_at: Type.String(),
  started_at: Type.Union([Type.String(), Type.Null()]),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  expires_at: Type.String(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  result: Type.Union([Type.Unknown(), Type.Null()], {
    description: 'For image jobs: width, height, objects [{id, label, score, box, area, rle?}], union_rle, rle_format',
  }),
  files: Type.Record(Type.String(), Type.String(), {
    description: 'Output name → signed download URL (valid until expires_at)',
  }),
  webhook: Type.Union([
    Type.Object({ url: Type.String(), state: Type.String(), attempts: Type.Integer(), last_error: Type.String() }),
    Type.Null(),
  ]),
});
export type JobResponse = Static<typeof JobResponse>;

export const JobListResponse = Type.Object({
  jobs: Type.Array(JobResponse),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type JobListResponse = Static<typeof JobListResponse>;

export const WireVideo = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 8192,
        description: 'http(s) URL; private, loopback and link-local addresses are refused',
      }),
    ),
    base64: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'base64 bytes or a data:video/…;base64, URI (small clips; upload larger ones as multipart field "video")',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Exactly one of url or base64 (or upload the file as multipart field "video")',
  },
);

export const WireVideoObject = Type.Object(
  {
    frame_index: Type.Integer({
      minimum: 0,
      description: 'Frame the prompt is on (index among processed frames, after fps subsampling)',
    }),
    obj_id: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: 'Id to give the object (default: the next free id)',
      }),
    ),
    label: Type.Optional(Type.String({ maxLength: 200 })),
    points: Type.Optional(
      Type.Array(
        Type.Object(
          { x: Type.Number(), y: Type.Number(), positive: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        { maxItems: 64 },
      ),
    ),
    box: Type.Optional(BoxXyxy),
  },
  { additionalProperties: false },
);

export const VideoJobBody = Type.Object(
  {
    video: Type.Optional(WireVideo),
    concepts: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), {
        maxItems: 16,
        description: 'Text concepts, each tracked with its own ids',
      }),
    ),
    objects: Type.Optional(
      Type.Array(WireVideoObject, { maxItems: 64, description: 'Clicked objects: points and/or a box on a frame' }),
    ),
    fps: Type.Optional(
      Type.Number({
        minimum: 0.01,
        maximum: 240,
        description: 'Process this many frames per second (default: every frame)',
      }),
    ),
    max_frames: Type.Optional(Type.Integer({ minimum: 1, description: 'Stop after this many processed frames' })),
    overlay: Type.Optional(Type.Boolean({ description: 'Also render an MP4 with the masks painted (default false)' })),
    output_delay_frames: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        description: 'Frames held back so short-lived detections can be removed (default 15; 0 = none)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type VideoJobBody = Static<typeof VideoJobBody>;

export const LabelJobBody = Type.Object(
  {
    images: Type.Array(
      Type.String({
        minLength: 1,
        maxLength: 8192,
        description: 'an http(s) URL (fetched under the URL guard) or an upload URL from /api/v3/media/uploads',
      }),
      { minItems: 1, maxItems: 1000 },
    ),
    names: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
        maxItems: 1000,
        description: 'file_name of each image in the COCO file (default: the last URL path segment)',
      }),
    ),
    concepts: Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), {
      minItems: 1,
      maxItems: 16,
      description: 'Text concepts; each is a COCO category',
    }),
    threshold: Type.Optional(unit('concept score threshold (default 0.5)')),
  },
  { additionalProperties: false },
);
export type LabelJobBody = Static<typeof LabelJobBody>;
