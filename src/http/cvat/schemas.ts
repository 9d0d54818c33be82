// CVAT's serverless (Nuclio dashboard) wire: the function list CVAT's lambda manager reads, and the invocation
// bodies it posts for an interactor (image, pos_points, neg_points, obj_bbox) and a detector (image, threshold).
import { Type, type Static } from 'typebox';

const open = { additionalProperties: true } as const;
const Point = Type.Array(Type.Number(), { minItems: 2, maxItems: 2 });

export const InvocationBody = Type.Object(
  {
    image: Type.String({ minLength: 1, description: 'the frame, base64' }),
    pos_points: Type.Optional(Type.Array(Point, { maxItems: 64 })),
    neg_points: Type.Optional(Type.Array(Point, { maxItems: 64 })),
    obj_bbox: Type.Optional(Type.Union([Type.Array(Point, { minItems: 2, maxItems: 2 }), Type.Null()])),
    threshold: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.String({ maxLength: 20 })])),
  },
  open,
);
export type InvocationBody = Static<typeof InvocationBody>;

export interface NuclioFunction {
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: { description: string };
  status: { state: 'ready'; httpPort: number };
}

/** A detector result as CVAT's lambda manager reads it (type "mask": `mask` = crop values + [xtl, ytl, xbr, ybr]). */
export interface DetectorItem {
  confidence: string;
  label: string;
  points: number[];
  mask: number[];
  type: 'mask';
}
