// WaveSpeed wire schemas: the sam3-image / sam3-image-rle / sam3-video-rle inputs (WaveSpeed's published fields, fal's item
// shapes), upload tickets and the {code, message, data} envelope. Unknown keys are accepted and ignored.
import { Type, type Static } from 'typebox';

const open = { additionalProperties: true } as const;
const objectId = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1, maxLength: 64 })]);

export const PointPrompt = Type.Object(
  {
    x: Type.Number(),
    y: Type.Number(),
    label: Type.Optional(Type.Enum([0, 1], { description: '1 = on the object (default), 0 = not on it' })),
    positive: Type.Optional(Type.Boolean()),
    is_positive: Type.Optional(Type.Boolean()),
    object_id: Type.Optional(objectId),
    frame_index: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  open,
);
export type PointPrompt = Static<typeof PointPrompt>;

export const BoxPrompt = Type.Object(
  {
    x_min: Type.Number(),
    y_min: Type.Number(),
    x_max: Type.Number(),
    y_max: Type.Number(),
    object_id: Type.Optional(objectId),
    frame_index: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  open,
);
export type BoxPrompt = Static<typeof BoxPrompt>;

const common = {
  prompt: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Comma-separated concepts, e.g. "person, cloth"' }),
  ),
  point_prompts: Type.Optional(Type.Array(PointPrompt, { maxItems: 256 })),
  box_prompts: Type.Optional(Type.Array(BoxPrompt, { maxItems: 256 })),
  apply_mask: Type.Optional(Type.Boolean({ description: 'Render the overlay (default true)' })),
  enable_sync_mode: Type.Optional(
    Type.Boolean({ description: 'Wait for the result in this request (up to SAM3_SYNC_TIMEOUT_MS)' }),
  ),
};
const image = Type.String({
  minLength: 1,
  description: "http(s) URL, one of this server's upload URLs, or a data: URI",
});

export const Sam3ImageBody = Type.Object(
  { image, ...common, output_format: Type.Optional(Type.Enum(['png', 'jpeg', 'webp'])) },
  open,
);
export type Sam3ImageBody = Static<typeof Sam3ImageBody>;

export const Sam3ImageRleBody = Type.Object(
  {
    image,
    ...common,
    rle_format: Type.Optional(
      Type.Enum(['coco', 'start_length'], {
        description: 'coco (default): COCO compressed counts; start_length: 1-based row-major pairs',
      }),
    ),
  },
  open,
);
export type Sam3ImageRleBody = Static<typeof Sam3ImageRleBody>;

export const Sam3VideoRleBody = Type.Object(
  { video: Type.String({ minLength: 1 }), ...common, prompt: Type.String({ minLength: 1, maxLength: 2000 }) },
  open,
);
export type Sam3VideoRleBody = Static<typeof Sam3VideoRleBody>;

export type SubmitBody = Sam3ImageBody | Sam3ImageRleBody | Sam3VideoRleBody;

export const SubmitQuery = Type.Object(
  { webhook: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })) },
  open,
);
export type SubmitQuery = Static<typeof SubmitQuery>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;

// Query strings are text (the server does not coerce types), so numbers are matched as digits and parsed.
export const ListQuery = Type.Object(
  {
    page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,6}$', description: '1-based page' })),
    page_size: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: '1–100, default 20' })),
  },
  open,
);
export type ListQuery = Static<typeof ListQuery>;

export const UploadTicketBody = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    size: Type.Integer({ minimum: 1 }),
    // Echoed later as the download's Content-Type header, so it must be a plain media type (no control characters).
    content_type: Type.Optional(
      Type.String({
        maxLength: 255,
        pattern: '^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+( *; *[A-Za-z0-9!#$&^_.+-]+=[A-Za-z0-9!#$&^_.+"-]+)*$',
        description: 'media type, e.g. image/png',
      }),
    ),
  },
  open,
);
export type UploadTicketBody = Static<typeof UploadTicketBody>;

const Prediction = Type.Object(
  {
    id: Type.String(),
    model: Type.String(),
    outputs: Type.Array(Type.Unknown()),
    urls: Type.Object({ get: Type.String() }),
    has_nsfw_contents: Type.Array(Type.Boolean()),
    status: Type.Enum(['created', 'processing', 'completed', 'failed']),
    created_at: Type.String(),
    error: Type.String(),
    timings: Type.Object({ inference: Type.Number() }),
  },
  open,
);

export const PredictionEnvelope = Type.Object({ code: Type.Integer(), message: Type.String(), data: Prediction });
export const ErrorEnvelope = Type.Object({ code: Type.Integer(), message: Type.String(), data: Type.Null() });
