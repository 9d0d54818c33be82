// Credentials never reach the log: query parameters in any spelling the server accepts, and credential headers.
import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it.each([
    ['/sam3/concept_segment?api_key=SECRET', '/sam3/concept_segment?api_key=***'],
    ['/sam3/concept_segment?%61pi_key=SECRET&x=1', '/sam3/concept_segment?%61pi_key=***&x=1'],
    ['/sam3/x?API_KEY=SECRET', '/sam3/x?API_KEY=***'],
    ['/sam3/x?api%5Fkey=SECRET', '/sam3/x?api%5Fkey=***'],
    ['/files/uploads/abc/a.png?expires=123&token=SECRET', '/files/uploads/abc/a.png?expires=123&token=***'],
    ['/v1/segment', '/v1/segment'],
    ['/v1/x?bad=%E0%A4%A', '/v1/x?bad=%E0%A4%A'],
  ])('%s → %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
