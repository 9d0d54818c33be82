import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it('hides a password and leaves everything else', () => {
    expect(redactUrl('redis://default:s3cret@redis.internal:6379/2')).toBe('redis://default:***@redis.internal:6379/2');
    expect(redactUrl('redis://:s3cret@host:6379')).toBe('redis://:***@host:6379');
    expect(redactUrl('redis://host:6379/0')).toBe('redis://host:6379/0');
  });
});
