// Fixed-length number arrays ([x0, y0, x1, y1], [height, width]) as OpenAPI 3.0 can describe them: an array of one
// item type with minItems = maxItems (JSON Schema tuples, `items: [...]`, are not valid OpenAPI 3.0), typed as tuples.
import { Type, type TSchema, type TUnsafe } from 'typebox';

type Options = { description?: string };

/** Four numbers, e.g. a box [x0, y0, x1, y1]. */
export function Quad(item: TSchema, options: Options = {}): TUnsafe<[number, number, number, number]> {
  return Type.Unsafe<[number, number, number, number]>(Type.Array(item, { minItems: 4, maxItems: 4, ...options }));
}

/** Two numbers, e.g. a size [height, width] or a point [x, y]. */
export function Pair(item: TSchema, options: Options = {}): TUnsafe<[number, number]> {
  return Type.Unsafe<[number, number]>(Type.Array(item, { minItems: 2, maxItems: 2, ...options }));
}
