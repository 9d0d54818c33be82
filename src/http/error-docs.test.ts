import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../domain/errors.js';
import { errorsMarkdown } from './error-docs.js';

describe('docs/errors.md', () => {
  it('has exactly one row per catalogued code and is up to date (npm run docs:generate)', async () => {
    const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(errorsMarkdown());
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
