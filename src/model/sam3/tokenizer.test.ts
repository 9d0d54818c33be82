// Tokenizer: CLIP ids with start/end, truncation keeping the end token last, padding with the end token, mask.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDemoTokenizer, END_OF_TEXT, START_OF_TEXT } from '../../demo-model/demo-tokenizer.js';
import { demoBundle } from '../../../test/helpers/demo-bundles.js';
import { ClipTokenizer } from './tokenizer.js';

describe('ClipTokenizer', () => {
  let tok: ClipTokenizer;
  const words = buildDemoTokenizer().wordIds;
  beforeAll(async () => {
    tok = await ClipTokenizer.load(`${await demoBundle(1008)}/tokenizer.json`);
  });

  it('lower-cases, collapses whitespace and wraps in start/end tokens', () => {
    const e = tok.encode('  Red \t  CAT ', 32);
    expect(Array.from(e.ids.slice(0, 4), Number)).toEqual([
      START_OF_TEXT,
      words.get('red'),
      words.get('cat'),
      END_OF_TEXT,
    ]);
    expect(e.length).toBe(4);
  });

  it('pads with the end token and masks padding with 0', () => {
    const e = tok.encode('blue', 32);
    expect(e.ids.length).toBe(32);
    expect(Array.from(e.attentionMask, Number)).toEqual([1, 1, 1, ...new Array(29).fill(0)]);
    expect(Array.from(e.ids.slice(3), Number).every((id) => id === END_OF_TEXT)).toBe(true);
  });

  it('truncates to the context length keeping the end token last', () => {
    const long = Array.from({ length: 40 }, () => 'red').join(' ');
    const e = tok.encode(long, 32);
    expect(e.length).toBe(32);
    expect(Number(e.ids[0])).toBe(START_OF_TEXT);
    expect(Number(e.ids[31])).toBe(END_OF_TEXT);
    expect(Number(e.ids[30])).toBe(words.get('red'));
    expect(Array.from(e.attentionMask).every((m) => m === 1n)).toBe(true);
  });

  it('splits unknown words into byte-level pieces instead of failing', () => {
    const e = tok.encode('zebra', 32);
    expect(e.length).toBeGreaterThan(3);
    expect(Number(e.ids[e.length - 1])).toBe(END_OF_TEXT);
  });
});
