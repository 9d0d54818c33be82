// A closed-vocabulary model explains an unknown concept; an open one, or a known word, gets no hint.
import { describe, expect, it } from 'vitest';
import { vocabularyHint } from './vocabulary-hint.js';

describe('vocabularyHint', () => {
  const colours = ['red', 'green', 'blue'];
  it('names the known words when no word of the concept is among them', () => {
    expect(vocabularyHint('dog', colours)).toMatch(
      /"dog" is not a word this model knows: it knows only red, green, blue/,
    );
  });
  it('says nothing for a known word in any case or phrase, or for an open-vocabulary model', () => {
    expect(vocabularyHint('Red', colours)).toBeUndefined();
    expect(vocabularyHint('the blue shirt', colours)).toBeUndefined();
    expect(vocabularyHint('dog', undefined)).toBeUndefined();
    expect(vocabularyHint('dog', [])).toBeUndefined();
  });
});
