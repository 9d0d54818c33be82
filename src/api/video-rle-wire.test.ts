// docs/video-rle.schema.json is the generated form of VideoRleDocument, and the schema rejects what it should.
import { readFile } from 'node:fs/promises';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { VideoRleDocument, videoRleSchemaJson } from './video-rle-wire.js';

const doc = {
  video: { width: 4, height: 2, fps: 25, frame_count: 1 },
  size: [2, 4],
  frames: [
    { index: 0, time_s: 0, objects: [{ id: 1, score: 0.9, box: [0, 0, 2, 2], rle: { size: [2, 4], counts: '04' } }] },
  ],
  objects: [{ id: 1, label: 'red', first_frame: 0 }],
};

describe('video RLE document schema', () => {
  it('is up to date in docs (npm run docs:generate)', async () => {
    expect(await readFile(new URL('../../docs/video-rle.schema.json', import.meta.url), 'utf8')).toBe(
      videoRleSchemaJson(),
    );
  });

  it('accepts a document and refuses a missing size, a zero id and unknown keys', () => {
    expect(Value.Check(VideoRleDocument, doc)).toBe(true);
    expect(Value.Check(VideoRleDocument, { ...doc, size: undefined })).toBe(false);
    expect(Value.Check(VideoRleDocument, { ...doc, objects: [{ id: 0, label: 'x', first_frame: 0 }] })).toBe(false);
    expect(Value.Check(VideoRleDocument, { ...doc, extra: 1 })).toBe(false);
  });
});
