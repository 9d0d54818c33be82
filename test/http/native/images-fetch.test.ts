// POST /v1/images/fetch: an image URL fetched by the server for the playground, under the same URL guard and limits
// as images given to /v1/segment; only raster images come back, with a safe type and nosniff.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchImageForViewing } from '../../../src/media/image-proxy.js';
import { TINY_PNG_BASE64, build } from '../../helpers/build-app.js';

let server: Server;
let base: string;
const png = Buffer.from(TINY_PNG_BASE64, 'base64');

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/a.png') return void res.writeHead(200, { 'content-type': 'text/html' }).end(png);
    if (req.url === '/page.svg')
      return void res
        .writeHead(200, { 'content-type': 'image/svg+xml' })
        .end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const fetcher = (allowNetworks: string[]) => (url: string, signal: AbortSignal) =>
  fetchImageForViewing(url, { allowNetworks, maxBytes: 1 << 20, timeoutMs: 5_000, maxRedirects: 2 }, signal);

describe('POST /v1/images/fetch', () => {
  it('returns the image with its sniffed type (not the host’s), nosniff and no-store', async () => {
    const { app } = await build({ fetchImage: fetcher(['127.0.0.1/32']) });
    const r = await app.inject({ method: 'POST', url: '/v1/images/fetch', payload: { url: `${base}/a.png` } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('image/png');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(r.rawPayload)).toEqual(png);
  });

  it('refuses loopback without an allow list, SVG and missing files, with the native error shape', async () => {
    const guarded = (await build({ fetchImage: fetcher([]) })).app;
    const refused = await guarded.inject({
      method: 'POST',
      url: '/v1/images/fetch',
      payload: { url: `${base}/a.png` },
    });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.json()).toMatchObject({ error: { code: 'IMAGE_URL_FORBIDDEN' } });
    const open = (await build({ fetchImage: fetcher(['127.0.0.1/32']) })).app;
    const svg = await open.inject({ method: 'POST', url: '/v1/images/fetch', payload: { url: `${base}/page.svg` } });
    expect(svg.json()).toMatchObject({ error: { code: 'IMAGE_DECODE_FAILED' } });
    const missing = await open.inject({
      method: 'POST',
      url: '/v1/images/fetch',
      payload: { url: `${base}/nope.png` },
    });
    expect(missing.json()).toMatchObject({ error: { code: 'IMAGE_FETCH_FAILED' } });
  });

  it('is not offered without a fetcher', async () => {
    const { app } = await build();
    expect(
      (await app.inject({ method: 'POST', url: '/v1/images/fetch', payload: { url: `${base}/a.png` } })).statusCode,
    ).toBe(404);
  });
});
