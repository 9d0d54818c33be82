import { describe, expect, it } from 'vitest';
import { enhancePrompt } from './enhance-prompt.js';

describe('enhancePrompt', () => {
  it('strips articles and punctuation, splits "and", drops duplicates', () => {
    expect(enhancePrompt('The Dog and a cat!')).toEqual(['dog', 'cat']);
    expect(enhancePrompt('person, cloth; the person')).toEqual(['person', 'cloth']);
    expect(enhancePrompt('  "yellow school bus".  ')).toEqual(['yellow school bus']);
    expect(enhancePrompt('an apple & the pear')).toEqual(['apple', 'pear']);
    expect(enhancePrompt(' , ')).toEqual([]);
  });

  it('keeps words that merely start like articles', () => {
    expect(enhancePrompt('theater seat, another dog')).toEqual(['theater seat', 'another dog']);
  });
});
