// What the catalogue downloads: no gated repository for the default bundle, and what each dtype is published as.
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue.js';

const bundle = (name: string) => CATALOGUE.find((b) => b.name === name)!;

describe('catalogue', () => {
  it('sam3 needs no account: the tokenizer comes from the release of the concept graphs, not gated facebook/sam3', () => {
    for (const dtype of bundle('sam3').dtypes) {
      const files = bundle('sam3').files(dtype);
      const tokenizer = files.find((f) => f.path === 'tokenizer.json')!;
      expect(tokenizer.source).toEqual({
        kind: 'url',
        url: 'https://github.com/jamjamjon/assets/releases/download/sam3/tokenizer.json',
      });
      expect(files.every((f) => f.source.kind === 'url' || f.source.repo !== 'facebook/sam3')).toBe(true);
    }
  });

  it('tracker q4 is the q4 vision encoder with the float32 decoder, as published; other dtypes keep one suffix', () => {
    expect(
      bundle('sam3-tracker')
        .files('q4')
        .map((f) => f.path),
    ).toEqual([
      'onnx/vision_encoder_q4.onnx',
      'onnx/vision_encoder_q4.onnx_data',
      'onnx/prompt_encoder_mask_decoder.onnx',
      'onnx/prompt_encoder_mask_decoder.onnx_data',
    ]);
    expect(
      bundle('sam3-tracker')
        .files('fp16')
        .map((f) => f.path),
    ).toEqual([
      'onnx/vision_encoder_fp16.onnx',
      'onnx/vision_encoder_fp16.onnx_data',
      'onnx/prompt_encoder_mask_decoder_fp16.onnx',
      'onnx/prompt_encoder_mask_decoder_fp16.onnx_data',
    ]);
  });
});
