// Credentials never reach the log: query parameters in any spelling the server accepts, and credential headers.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, type LogFormat } from './logger.js';

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

describe('createLogger formats', () => {
  const capture = (
    format: LogFormat,
    isTTY: boolean,
  ): { lines: () => string; stream: PassThrough & { isTTY: boolean } } => {
    const stream = Object.assign(new PassThrough(), { isTTY });
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    return { stream, lines: () => chunks.join('') };
  };
  const log = (format: LogFormat, isTTY: boolean): string => {
    const out = capture(format, isTTY);
    const logger = createLogger('info', { format, destination: out.stream });
    logger.info(
      { req: { method: 'GET', url: '/v1/x?api_key=SECRET', id: 'r1' }, headers: { authorization: 'Bearer SECRET' } },
      'request completed',
    );
    return out.lines();
  };

  it('pretty: one readable line, credentials still redacted', () => {
    const line = log('pretty', false);
    expect(line).toMatch(/INFO.*request completed/);
    expect(line.startsWith('{')).toBe(false);
    expect(line).not.toContain('SECRET');
    expect(line.trim().split('\n')).toHaveLength(1);
  });

  it('auto: pretty on a terminal, JSON otherwise', () => {
    expect(log('auto', true)).toMatch(/request completed/);
    expect(log('auto', true).startsWith('{')).toBe(false);
    const json = JSON.parse(log('auto', false)) as { msg: string; req: { url: string } };
    expect(json).toMatchObject({ msg: 'request completed', req: { url: '/v1/x?api_key=***' } });
    expect(log('json', true).startsWith('{')).toBe(true);
  });
});
