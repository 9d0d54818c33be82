// RawImage: decoded pixels handed from media/ to model/ (row-major, interleaved channels, EXIF orientation applied).

export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** Always 3 (RGB) once decoded for inference. */
  readonly channels: 3;
  /** width·height·3 bytes, row-major, RGB interleaved. */
  readonly data: Uint8Array;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Where an image comes from: its encoded bytes, base64 text (or a data: URI) as it arrived on the wire, or an
 * http(s) URL fetched under the server's URL policy.
 */
export type ImageInput =
  | Uint8Array
  | { readonly base64: string }
  /** `headers` (a credential of that host) are sent to the URL's own origin only, never across a redirect. */
  | { readonly url: string; readonly headers?: Readonly<Record<string, string>> };

/** Decoded pixels as three separate width·height planes (video frames at model resolution). */
export interface PlanarRgb {
  readonly width: number;
  readonly height: number;
  readonly r: Uint8Array;
  readonly g: Uint8Array;
  readonly b: Uint8Array;
}
