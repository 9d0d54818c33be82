// Image URLs against real local HTTP servers: SSRF refusals after DNS and on redirects, limits, errors; base64.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64Image, fetchImageUrl, type UrlFetchPolicy } from './image-source.js';

const servers: Server[] = [];
function serve(host: string, handler: Parameters<typeof createServer>[1]): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    servers.push(server);
    server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
  });
}

let loopback: string;
let allowed: string;
beforeAll(async () => {
  loopback = await serve('127.0.0.1', (_req, res) => res.end('secret'));
  // 127.0.0.2 stands for an allowed internal network; it redirects and serves test bodies.
  allowed = await serve('127.0.0.2', (req, res) => {
    if (req.url === '/to-loopback') res.writeHead(302, { location: `${loopback}/` }).end();
    else if (req.url === '/to-metadata')
      res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (req.url === '/relative') res.writeHead(302, { location: '/ok' }).end();
    else if (req.url === '/ok') res.end(Buffer.from([1, 2, 3, 4]));
    else if (req.url === '/big') res.end(Buffer.alloc(2048));
    else if (req.url === '/big-chunked') {
      res.write(Buffer.alloc(600));
      res.write(Buffer.alloc(600));
      res.end();
    } else if (req.url === '/slow') setTimeout(() => res.end('late'), 2_000);
    else res.writeHead(404).end();
  });
});
afterAll(() => servers.forEach((s) => s.close()));

const policy: UrlFetchPolicy = { allowNetworks: ['127.0.0.2/32'], maxBytes: 1024, timeoutMs: 1_000, maxRedirects: 3 };

describe('fetchImageUrl', () => {
  it("sends a host's credential headers to that origin only, never across a redirect", async () => {
    const seen: Array<[string, string | undefined]> = [];
    const other = await serve('127.0.0.2', (req, res) => {
      seen.push(['other', req.headers.authorization]);
      res.end(Buffer.from([9]));
    });
    const own = await serve('127.0.0.2', (req, res) => {
      seen.push([req.url!, req.headers.authorization]);
      if (req.url === '/away') res.writeHead(302, { location: `${other}/x` }).end();
      else if (req.url === '/here') res.writeHead(302, { location: '/file' }).end();
      else res.end(Buffer.from([7]));
    });
    const headers = { authorization: 'Token t0k' };
    expect(Array.from(await fetchImageUrl(`${own}/here`, policy, undefined, headers))).toEqual([7]);
    expect(Array.from(await fetchImageUrl(`${own}/away`, policy, undefined, headers))).toEqual([9]);
    expect(seen).toEqual([
      ['/here', 'Token t0k'],
      ['/file', 'Token t0k'],
      ['/away', 'Token t0k'],
      ['other', undefined],
    ]);
  });

  it('fetches from an allowed network and follows relative redirects', async () => {
    expect(Array.from(await fetchImageUrl(`${allowed}/ok`, policy))).toEqual([1, 2, 3, 4]);
    expect(Array.from(await fetchImageUrl(`${allowed}/relative`, policy))).toEqual([1, 2, 3, 4]);
  });

  it('refuses loopback, private and metadata addresses, by literal and after DNS', async () => {
    await expect(fetchImageUrl(`${loopback}/`, policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
      message: expect.stringMatching(/127\.0\.0\.1 is a loopback address.*SAM3_URL_ALLOW_NETWORKS/),
    });
    await expect(fetchImageUrl(loopback.replace('127.0.0.1', 'localhost'), policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
      message: expect.stringMatching(/localhost resolves to.*SAM3_URL_ALLOW_NETWORKS/),
    });
    await expect(fetchImageUrl('http://169.254.169.254/latest/meta-data/', policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
    });
    await expect(fetchImageUrl('http://[::1]:9/', policy)).rejects.toMatchObject({ code: 'IMAGE_URL_FORBIDDEN' });
    await expect(fetchImageUrl('http://[::ffff:7f00:1]:9/', policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
    });
  });

  it('re-checks every redirect hop', async () => {
    await expect(fetchImageUrl(`${allowed}/to-loopback`, policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
    });
    await expect(fetchImageUrl(`${allowed}/to-metadata`, policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
    });
    await expect(fetchImageUrl(`${allowed}/loop`, policy)).rejects.toMatchObject({
      code: 'IMAGE_FETCH_FAILED',
      message: expect.stringMatching(/more than 3 redirects/),
    });
  });

  it('refuses other schemes and credentials', async () => {
    await expect(fetchImageUrl('file:///etc/passwd', policy)).rejects.toMatchObject({ code: 'IMAGE_URL_FORBIDDEN' });
    await expect(fetchImageUrl('ftp://example.com/a.png', policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
    });
    await expect(fetchImageUrl(`http://user:pw@${allowed.slice(7)}/ok`, policy)).rejects.toMatchObject({
      code: 'IMAGE_URL_FORBIDDEN',
    });
    await expect(fetchImageUrl('not a url', policy)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('enforces the byte limit by header and while streaming, the time limit, and HTTP errors', async () => {
    await expect(fetchImageUrl(`${allowed}/big`, policy)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(fetchImageUrl(`${allowed}/big-chunked`, policy)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(fetchImageUrl(`${allowed}/slow`, { ...policy, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'IMAGE_FETCH_FAILED',
      message: expect.stringMatching(/timed out after 100 ms/),
    });
    await expect(fetchImageUrl(`${allowed}/missing`, policy)).rejects.toMatchObject({
      code: 'IMAGE_FETCH_FAILED',
      message: expect.stringMatching(/HTTP 404/),
    });
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client left')), 50);
    await expect(fetchImageUrl(`${allowed}/slow`, policy, controller.signal)).rejects.toMatchObject({
      code: 'REQUEST_CANCELLED',
    });
  });
});

describe('decodeBase64Image', () => {
  it('decodes plain base64, data URIs and base64url', () => {
    expect(Array.from(decodeBase64Image('AQID', 'image', 10))).toEqual([1, 2, 3]);
    expect(Array.from(decodeBase64Image('data:image/png;base64,AQID', 'image', 10))).toEqual([1, 2, 3]);
    expect(Array.from(decodeBase64Image('-_8', 'image', 10))).toEqual([251, 255]);
  });
  it('refuses non-base64 text, non-base64 data URIs and oversized payloads', () => {
    expect(() => decodeBase64Image('not base64!', 'image.value', 10)).toThrow(
      /Expected base64-encoded image bytes for image.value/,
    );
    expect(() => decodeBase64Image('data:image/png,abc', 'image', 10)).toThrow(/base64 data URI/);
    expect(() => decodeBase64Image('A'.repeat(100), 'image', 10)).toThrow(/10-byte limit/);
  });
});
