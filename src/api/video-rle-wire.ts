// The video RLE document as a TypeBox schema: the contract of `rle_url`, `sam3 video --out` and /v1/videos
// results; docs/video-rle.schema.json is generated from it (npm run docs:generate).
import { Type, type Static } from 'typebox';
import { Pair, Quad } from './fixed-arrays.js';

const Rle = Type.Object(
  {
    size: Pair(Type.Integer({ minimum: 1 }), { description: '[height, width]' }),
    counts: Type.String({ description: 'COCO compressed counts (pycocotools mask.decode reads it)' }),
  },
  { additionalProperties: false },
);

export const VideoRleDocument = Type.Object(
  {
    video: Type.Object(
      {
        width: Type.Integer({ minimum: 1 }),
        height: Type.Integer({ minimum: 1 }),
        fps: Type.Number({ minimum: 0, description: 'Average frame rate of the source' }),
        frame_count: Type.Integer({
          minimum: 0,
          description: 'Frames that were to be processed (after fps subsampling and max_frames)',
        }),
      },
      { additionalProperties: false },
    ),
    size: Pair(Type.Integer({ minimum: 1 }), { description: '[height, width] of every mask' }),
    frames: Type.Array(
      Type.Object(
        {
          index: Type.Integer({
            minimum: 0,
            description: 'Index among processed frames (prompts use the same numbering)',
          }),
          time_s: Type.Number({ description: 'Presentation time of the frame in the source, seconds' }),
          objects: Type.Array(
            Type.Object(
              {
                id: Type.Integer({ minimum: 1, description: 'Stable through the video; never reused' }),
                score: Type.Number({ minimum: 0, maximum: 1 }),
                box: Quad(Type.Number(), { description: '[x0, y0, x1, y1] pixels, x1/y1 exclusive' }),
                rle: Rle,
              },
              { additionalProperties: false },
            ),
            { description: 'Objects visible on this frame; an absent object has no entry' },
          ),
        },
        { additionalProperties: false },
      ),
      { description: 'One entry per processed frame, in order; written as processing advances' },
    ),
    objects: Type.Array(
      Type.Object(
        {
          id: Type.Integer({ minimum: 1 }),
          label: Type.String({ description: "The concept text, or the clicked object's label" }),
          first_frame: Type.Integer({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
      { description: 'Every object that appears, by id (objects removed as short-lived detections are not listed)' },
    ),
  },
  {
    additionalProperties: false,
    $id: 'https://github.com/sam3-server/sam3-server/docs/video-rle.schema.json',
    title: 'sam3-server video RLE document',
  },
);
export type VideoRleDocument = Static<typeof VideoRleDocument>;

/** The JSON Schema text written to docs/video-rle.schema.json. */
export function videoRleSchemaJson(): string {
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...VideoRleDocument }, null, 2)}\n`;
}
