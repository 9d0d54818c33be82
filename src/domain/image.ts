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
