// Wire-neutral mask encodings shared by every layer: COCO RLE, polygon rings, and the set a caller may request.

/** The wire form used by pycocotools, COCO and Roboflow: `{size: [h, w], counts: "<compressed>"}`. */
export interface CocoRle {
  size: [number, number];
  counts: string;
}

/**
 * A polygon ring in the pixel-index frame of OpenCV: (x, y) = (column, row) of the boundary pixels themselves.
 * Filling a ring inclusively (cv2.fillPoly) reproduces the mask.
 */
export type Ring = Array<[number, number]>;

export interface PolygonWithHoles {
  outer: Ring;
  holes: Ring[];
}

/**
 * What a caller may ask for per instance. `outer_polygons` is Roboflow's form (external contours only);
 * `labelstudio_rle` is Label Studio's brush RLE (a list of bytes); `labelstudio_bitmask` its bitmask PNG.
 */
export const MASK_ENCODINGS = [
  'rle',
  'rle_uncompressed',
  'start_length',
  'polygons',
  'outer_polygons',
  'png',
  'labelstudio_rle',
  'labelstudio_bitmask',
] as const;
export type MaskEncoding = (typeof MASK_ENCODINGS)[number];

export interface EncodedMask {
  rle?: CocoRle;
  /** COCO's uncompressed form: column-major run counts starting with a 0-run. */
  rleUncompressed?: { size: [number, number]; counts: number[] };
  /** 1-based, row-major "start length" pairs (Kaggle style). */
  startLength?: string;
  polygons?: PolygonWithHoles[];
  outerPolygons?: Ring[];
  /** A 1-channel PNG, 255 inside. */
  png?: Uint8Array;
  /** Label Studio's brush RLE bytes (`value.rle` of a `brushlabels` result). */
  labelStudioRle?: number[];
  /** Label Studio's bitmask (`value.imageDataURL` of a `bitmasklabels` result): a PNG, black where the mask is,
   * transparent elsewhere, at the image's size. */
  labelStudioBitmask?: Uint8Array;
}
