// The page's error line: advice for codes fixed outside the request, the server's own message plus a hint otherwise,
// and sentences instead of raw browser exceptions; the code always in brackets.
import { describe, expect, it } from 'vitest';
import { SamError } from '../../src/domain/errors.js';
import { explainError } from './error-sentence.js';

describe('explainError', () => {
  it('says what to do for errors fixed outside the request, with the code', () => {
    expect(explainError(new SamError('UNAUTHORIZED', 'Missing API key'))).toBe(
      'This server needs an API key: type one of its SAM3_API_KEYS in the API key field at the top. [UNAUTHORIZED]',
    );
    expect(explainError(new SamError('VIDEO_UNAVAILABLE', 'no ffmpeg'))).toMatch(/ffmpeg.*\[VIDEO_UNAVAILABLE\]$/);
    expect(explainError(new SamError('MODEL_UNAVAILABLE', 'x'))).toMatch(/npx sam3 models pull sam3/);
  });

  it("keeps the server's specific message, ended as a sentence, with a hint", () => {
    expect(explainError(new SamError('IMAGE_DECODE_FAILED', 'Expected an image for image but received text'))).toBe(
      'Expected an image for image but received text. Use a JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF image. [IMAGE_DECODE_FAILED]',
    );
    expect(explainError(new SamError('INVALID_ARGUMENT', 'Expected at most 64 points.'))).toBe(
      'Expected at most 64 points. [INVALID_ARGUMENT]',
    );
  });

  it('turns browser exceptions into sentences', () => {
    expect(explainError(new TypeError('Failed to fetch'))).toMatch(/^The server could not be reached/);
    const bad = new Error('The source image could not be decoded.');
    bad.name = 'InvalidStateError';
    expect(explainError(bad)).toMatch(/could not open the file as an image/);
  });
});
