// The playground's "enhance" action: normalises a typed prompt into concepts, deterministically, so the user sees the
// exact concepts before they run: lower case, articles and punctuation stripped, "a and b" split, duplicates dropped.
const ARTICLES = /^(?:a|an|the|some|all|every)\s+/;

export function enhancePrompt(text: string): string[] {
  const concepts: string[] = [];
  for (const part of text.toLowerCase().split(/,|;|\s+and\s+|\s*&\s*|\n/)) {
    let concept = part
      .replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    while (ARTICLES.test(concept)) concept = concept.replace(ARTICLES, '');
    if (concept && !concepts.includes(concept)) concepts.push(concept);
  }
  return concepts;
}
