// The hint for a concept that found nothing on a closed-vocabulary model (the demo model knows only colours).

/**
 * A sentence saying why `text` found nothing, when the model declares a closed `vocabulary` and no word of the text is
 * in it; undefined otherwise (an open-vocabulary model, or a known word that simply is not in the image).
 */
export function vocabularyHint(text: string, vocabulary: readonly string[] | undefined): string | undefined {
  if (!vocabulary?.length) return undefined;
  const known = new Set(vocabulary.map((w) => w.toLowerCase()));
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (words.some((w) => known.has(w))) return undefined;
  return `"${text}" is not a word this model knows: it knows only ${vocabulary.join(', ')} (the demo model matches colours, not SAM 3's concepts; use a SAM 3 model for "${text}")`;
}
