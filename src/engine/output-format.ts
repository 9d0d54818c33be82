// One mask → the encodings a caller asked for (COCO RLE, uncompressed counts, polygons, PNG), and the composite
// images over all objects (overlay, union mask image, union encodings), using masks/ and media/.
import type { EncodedMask, MaskEncoding } from '../domain/encoded-mask.js';
import type { BinaryMask } from '../domain/segmentation.js';
import { encodeRle, toCocoRle } from '../masks/coco-rle.js';
import { maskToOuterPolygons, maskToPolygonsWithHoles, type PolygonOptions } from '../masks/polygons.js';
import { encodeStartLength } from '../masks/start-length-rle.js';
import { encodeLabelStudioRle } from '../masks/labelstudio-rle.js';
import { encodeAlphaMaskPng, encodeMaskImage, encodeMaskPng, encodeOverlay } from '../media/image-encode.js';
import { unionMask } from '../masks/mask-ops.js';
import type { ImageSize, RawImage } from '../domain/image.js';
import { SamError } from '../domain/errors.js';
import type { CompositeRequest, Composites, ConceptResult, ObjectResult } from './engine.js';

export async function encodeMask(
  mask: BinaryMask,
  encodings: ReadonlySet<MaskEncoding>,
  polygonOptions: PolygonOptions = {},
): Promise<EncodedMask> {
  const out: EncodedMask = {};
  if (encodings.has('rle') || encodings.has('rle_uncompressed')) {
    const counts = encodeRle(mask);
    if (encodings.has('rle')) out.rle = toCocoRle(counts);
    if (encodings.has('rle_uncompressed'))
      out.rleUncompressed = { size: [mask.height, mask.width], counts: Array.from(counts.counts) };
  }
  if (encodings.has('start_length')) out.startLength = encodeStartLength(mask);
  if (encodings.has('polygons')) out.polygons = maskToPolygonsWithHoles(mask, polygonOptions);
  if (encodings.has('outer_polygons')) out.outerPolygons = maskToOuterPolygons(mask);
  if (encodings.has('png')) out.png = await encodeMaskPng(mask);
  if (encodings.has('labelstudio_rle')) out.labelStudioRle = encodeLabelStudioRle(mask);
  if (encodings.has('labelstudio_bitmask')) out.labelStudioBitmask = await encodeAlphaMaskPng(mask);
  return out;
}

/** The result's objects in composite order: concept instances concept by concept, then each object's best candidate. */
export function compositeMasks(concepts: readonly ConceptResult[], objects: readonly ObjectResult[]): BinaryMask[] {
  const masks = concepts.flatMap((c) => c.instances.map((i) => i.mask));
  for (const o of objects) if (o.candidates[0]) masks.push(o.candidates[0].mask);
  return masks;
}

export async function renderComposites(
  want: CompositeRequest,
  concepts: readonly ConceptResult[],
  objects: readonly ObjectResult[],
  size: ImageSize,
  image: RawImage | undefined,
  encodings: ReadonlySet<MaskEncoding>,
): Promise<Composites> {
  const masks = compositeMasks(concepts, objects);
  const out: Composites = {};
  if (want.overlay) {
    if (!image)
      throw new SamError(
        'INVALID_ARGUMENT',
        'Expected image bytes for an overlay, but only a cached image_id was given',
        { field: 'image' },
      );
    out.overlay = await encodeOverlay(
      image,
      masks.map((mask, i) => ({ id: i + 1, mask })),
      want.overlay,
    );
  }
  if (want.maskImage || want.union) {
    const union = unionMask(masks, size.width, size.height);
    if (want.maskImage) out.maskImage = await encodeMaskImage(union, want.maskImage);
    if (want.union) out.union = await encodeMask(union, encodings.size ? encodings : new Set<MaskEncoding>(['rle']));
  }
  return out;
}
