import { describe, expect, it } from 'vitest';
import { UrlSigner } from './signed-urls.js';

describe('UrlSigner', () => {
  const now = 1_700_000_000_000;
  const signer = new UrlSigner('secret', () => now);
  const link = signer.sign('get', '/files/jobs/abc/overlay.png', now + 60_000);
  const q = new URL(`http://x${link}`).searchParams;

  it('accepts its own link until it expires, on any host', () => {
    expect(signer.verify('get', '/files/jobs/abc/overlay.png', q.get('expires'), q.get('token'))).toBe(true);
    expect(signer.ownPath('get', `https://elsewhere.example${link}`)).toBe('/files/jobs/abc/overlay.png');
    expect(
      new UrlSigner('secret', () => now + 61_000).verify(
        'get',
        '/files/jobs/abc/overlay.png',
        q.get('expires'),
        q.get('token'),
      ),
    ).toBe(false);
  });

  it('refuses another path, another purpose, another key, a changed expiry or no token', () => {
    expect(signer.verify('get', '/files/jobs/abd/overlay.png', q.get('expires'), q.get('token'))).toBe(false);
    expect(signer.verify('put', '/files/jobs/abc/overlay.png', q.get('expires'), q.get('token'))).toBe(false);
    expect(
      new UrlSigner('other', () => now).verify('get', '/files/jobs/abc/overlay.png', q.get('expires'), q.get('token')),
    ).toBe(false);
    expect(
      signer.verify('get', '/files/jobs/abc/overlay.png', String(Number(q.get('expires')) + 1000), q.get('token')),
    ).toBe(false);
    expect(signer.verify('get', '/files/jobs/abc/overlay.png', q.get('expires'), undefined)).toBe(false);
    expect(signer.ownPath('get', 'not a url')).toBeUndefined();
  });
});
