// One mask → the encodings a caller asked for (COCO RLE, uncompressed counts, polygons, PNG), using masks/ and media/.
import type { EncodedMask, MaskEncoding } from '../domain/encoded-mask.js';
import type { BinaryMask } from '../domain/segmentation.js';
import { encodeRle, toCocoRle } from '../masks/coco-rle.js';
import { maskToOuterPolygons, maskToPolygonsWithHoles, type PolygonOptions } from '../masks/polygons.js';
import { encodeStartLength } from '../masks/start-length-rle.js';
import { encodeMaskPng } from '../media/image-encode.js';

export async function encodeMask(mask: BinaryMask, encodings: ReadonlySet<MaskEncoding>, polygonOptions: PolygonOptions = {}): Promise<EncodedMask> {
  const out: EncodedMask = {};
  if (encodings.has('rle') || encodings.has('rle_uncompressed')) {
    const counts = encodeRle(mask);
    if (encodings.has('rle')) out.rle = toCocoRle(counts);
    if (encodings.has('rle_uncompressed')) out.rleUncompressed = { size: [mask.height, mask.width], counts: Array.from(counts.counts) };
  }
  if (encodings.has('start_length')) out.startLength = encodeStartLength(mask);
  if (encodings.has('polygons')) out.polygons = maskToPolygonsWithHoles(mask, polygonOptions);
  if (encodings.has('outer_polygons')) out.outerPolygons = maskToOuterPolygons(mask);
  if (encodings.has('png')) out.png = await encodeMaskPng(mask);
  return out;
}
