import { describe, expect, it } from 'vitest';
import { UrlSigner } from '../signed-urls.js';
import { imageOutputs, imagePrompts, parseMedia, storedWireInput } from './translate.js';

describe('imagePrompts', () => {
  it('splits comma-separated concepts and drops blanks', () => {
    expect(imagePrompts({ image: 'x', prompt: ' person , cloth,, ' }).concepts).toEqual([
      { text: 'person' },
      { text: 'cloth' },
    ]);
  });

  it('makes each id-less box its own object when there are no id-less points', () => {
    const r = imagePrompts({
      image: 'x',
      box_prompts: [
        { x_min: 0, y_min: 0, x_max: 1, y_max: 1 },
        { x_min: 2, y_min: 2, x_max: 3, y_max: 3 },
      ],
    });
    expect(r.objects).toEqual([{ box: { x0: 0, y0: 0, x1: 1, y1: 1 } }, { box: { x0: 2, y0: 2, x1: 3, y1: 3 } }]);
    expect(r.objectLabels).toEqual(['object 1', 'object 2']);
  });

  it('keeps id-less points as one object, and does not join them to several id-less boxes', () => {
    const r = imagePrompts({
      image: 'x',
      point_prompts: [
        { x: 1, y: 1 },
        { x: 2, y: 2, label: 0 },
        { x: 3, y: 3, positive: false },
      ],
      box_prompts: [
        { x_min: 0, y_min: 0, x_max: 1, y_max: 1 },
        { x_min: 2, y_min: 2, x_max: 3, y_max: 3 },
      ],
    });
    expect(r.objects[0]).toEqual({
      points: [
        { x: 1, y: 1, positive: true },
        { x: 2, y: 2, positive: false },
        { x: 3, y: 3, positive: false },
      ],
    });
    expect(r.objects).toHaveLength(3);
  });

  it('requires at least one prompt', () => {
    expect(() => imagePrompts({ image: 'x', prompt: '' })).toThrow(
      expect.objectContaining({ code: 'PROMPT_REQUIRED' }),
    );
  });
});

describe('imageOutputs', () => {
  it('renders the overlay by default, the mask image without apply_mask, and COCO RLE for -rle', () => {
    expect(imageOutputs('sam3-image', { image: 'x' })).toEqual({ overlay: 'png' });
    expect(imageOutputs('sam3-image', { image: 'x', apply_mask: false, output_format: 'webp' })).toEqual({
      maskImage: 'webp',
    });
    expect(imageOutputs('sam3-image-rle', { image: 'x' })).toEqual({ rle: 'coco', overlay: 'png' });
    expect(imageOutputs('sam3-image-rle', { image: 'x', apply_mask: false, rle_format: 'start_length' })).toEqual({
      rle: 'start_length',
    });
  });
});

describe('parseMedia', () => {
  const signer = new UrlSigner('s');
  it('tells URLs, data URIs and our own upload links apart', () => {
    expect(parseMedia('https://example.com/a.png', 'image', signer, 100)).toEqual({ url: 'https://example.com/a.png' });
    expect(parseMedia('data:image/png;base64,AQID', 'image', signer, 100)).toEqual({ bytes: Buffer.from([1, 2, 3]) });
    const own = `http://any.host${signer.sign('get', `/files/uploads/${'a'.repeat(32)}/x.png`, Date.now() + 60_000)}`;
    expect(parseMedia(own, 'image', signer, 100)).toEqual({ upload: 'a'.repeat(32) });
    // A forged token is just an outside URL (and the fetch guard refuses loopback when the job runs).
    expect(parseMedia(own.replace(/token=[^&]+/, 'token=forged'), 'image', signer, 100)).toEqual({
      url: own.replace(/token=[^&]+/, 'token=forged'),
    });
  });

  it('refuses oversized data URIs and non-URLs', () => {
    expect(() => parseMedia(`data:image/png;base64,${'A'.repeat(400)}`, 'image', signer, 100)).toThrow(
      expect.objectContaining({ code: 'IMAGE_TOO_LARGE' }),
    );
    expect(() => parseMedia('/etc/passwd', 'image', signer, 100)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'image' }) }),
    );
  });
});

describe('storedWireInput', () => {
  it('keeps only the fields the model takes (extra fields of any size or depth are dropped), eliding inline bytes', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = { d: deep };
    const body = {
      image: `data:image/png;base64,${'A'.repeat(100)}`,
      prompt: 'cat',
      point_prompts: [{ x: 1, y: 2, label: 1 as const, junk: 'x'.repeat(1000) }],
      box_prompts: [{ x_min: 0, y_min: 0, x_max: 1, y_max: 1, nested: deep }],
      apply_mask: false,
      junk: 'x'.repeat(1_000_000),
      nested: deep,
    };
    const stored = storedWireInput(body);
    expect(stored).toEqual({
      image: 'data:image/png;base64,… (122 characters)',
      prompt: 'cat',
      point_prompts: [{ x: 1, y: 2, label: 1 }],
      box_prompts: [{ x_min: 0, y_min: 0, x_max: 1, y_max: 1 }],
      apply_mask: false,
    });
    expect(JSON.stringify(stored).length).toBeLessThan(300);
  });
});
