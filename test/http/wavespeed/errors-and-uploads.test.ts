// WaveSpeed submission errors (codes 1400/1401/1402, 401, 413), the two-step upload (ticket, signed PUT, download
// URL used as an input without any HTTP fetch) and the webhook secret.
import { UrlSigner } from '../../../src/http/signed-urls.js';
import { describe, expect, it } from 'vitest';
import { build, TINY_PNG_BASE64 } from '../../helpers/build-app.js';
import { FakeEngine } from '../../helpers/fake-engine.js';
import { jobDeps, TEST_WEBHOOK_SECRET } from '../../helpers/job-deps.js';

const DATA_URI = `data:image/png;base64,${TINY_PNG_BASE64}`;

async function setup(apiKeys: string[] = []) {
  const engine = new FakeEngine();
  const { app } = await build({ engine, jobs: jobDeps(engine), apiKeys });
  return { app, engine };
}

describe('WaveSpeed submission errors', () => {
  it.each([
    ['no image', '/sam3-image', { prompt: 'red' }, 400, 1400, /body\.image must have required property 'image'/],
    [
      'no prompt at all',
      '/sam3-image',
      { image: DATA_URI },
      400,
      1400,
      /^Expected at least one of prompt, point_prompts or box_prompts but received none$/,
    ],
    ['blank prompt', '/sam3-image', { image: DATA_URI, prompt: ' , ' }, 400, 1400, /at least one of prompt/],
    [
      'bad output_format',
      '/sam3-image',
      { image: DATA_URI, prompt: 'a', output_format: 'gif' },
      400,
      1401,
      /body\.output_format must be equal to one of the allowed values \(png, jpeg, webp\)/,
    ],
    [
      'not a URL',
      '/sam3-image',
      { image: 'ftp://example.com/a.png', prompt: 'a' },
      400,
      1401,
      /Expected an http\(s\) URL, an upload URL from \/api\/v3\/media\/uploads, or a data: URI for image but received "ftp:/,
    ],
    [
      'broken data URI',
      '/sam3-image',
      { image: 'data:image/png;base64,@@@', prompt: 'a' },
      400,
      1401,
      /Expected a base64 data URI/,
    ],
    [
      'two boxes for one object',
      '/sam3-image-rle',
      {
        image: DATA_URI,
        box_prompts: [
          { x_min: 0, y_min: 0, x_max: 5, y_max: 5, object_id: 1 },
          { x_min: 1, y_min: 1, x_max: 6, y_max: 6, object_id: 1 },
        ],
      },
      400,
      1401,
      /at most one box per object/,
    ],
    [
      'bad rle_format',
      '/sam3-image-rle',
      { image: DATA_URI, prompt: 'a', rle_format: 'kaggle' },
      400,
      1401,
      /rle_format/,
    ],
    [
      'video not enabled',
      '/sam3-video-rle',
      { video: 'https://example.com/a.mp4', prompt: 'person' },
      400,
      1401,
      /Video jobs are not enabled on this server/,
    ],
    ['video without prompt', '/sam3-video-rle', { video: 'https://example.com/a.mp4' }, 400, 1400, /prompt/],
  ])('%s', async (_name, path, payload, status, code, message) => {
    const { app, engine } = await setup();
    const res = await app.inject({ method: 'POST', url: `/api/v3/wavespeed-ai${path}`, payload });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, data: null });
    expect(res.json().message).toMatch(message);
    expect(engine.segments).toHaveLength(0);
  });

  it('a webhook that is not an http(s) URL is refused at submission', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image?webhook=javascript:alert(1)',
      payload: { image: DATA_URI, prompt: 'a' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 1401,
      message: 'Expected an absolute http(s) URL for webhook but received "javascript:alert(1)"',
    });
  });

  it('refuses a wrong key with 401 in the envelope', async () => {
    const { app } = await setup(['right']);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      headers: { authorization: 'Bearer wrong' },
      payload: { image: DATA_URI, prompt: 'a' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 401, message: 'The API key is not valid', data: null });
  });
});

describe('uploads', () => {
  async function ticket(app: Awaited<ReturnType<typeof setup>>['app'], size: number, headers = {}) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/media/uploads',
      headers,
      payload: { filename: 'photo one.png', size, content_type: 'image/png' },
    });
    return res;
  }
  const local = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };

  it('creates a ticket, takes the bytes by signed PUT, serves them back, and runs a job on them from storage', async () => {
    const { app, engine } = await setup(['k']);
    const auth = { authorization: 'Bearer k' };
    const bytes = Buffer.from(TINY_PNG_BASE64, 'base64');
    const t = await ticket(app, bytes.length, auth);
    expect(t.statusCode).toBe(200);
    const data = t.json().data;
    expect(data.upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } });
    expect(data.download_url).toMatch(
      /^http:\/\/localhost:80\/files\/uploads\/[0-9a-f]{32}\/photo%20one\.png\?expires=\d+&token=/,
    );
    // Not yet uploaded: using it as an input is "media not accessible".
    const early = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      headers: auth,
      payload: { image: data.download_url, prompt: 'red' },
    });
    expect(early.json()).toMatchObject({ code: 1402 });
    // The download token cannot upload; the PUT needs no API key, only its own token.
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: local(data.download_url),
          payload: bytes,
          headers: { 'content-type': 'image/png' },
        })
      ).statusCode,
    ).toBe(404);
    const wrongSize = await app.inject({
      method: 'PUT',
      url: local(data.upload.url),
      payload: Buffer.concat([bytes, bytes]),
      headers: { 'content-type': 'image/png' },
    });
    expect(wrongSize.statusCode).toBe(400);
    expect(wrongSize.json().error.code).toBe('UPLOAD_SIZE_MISMATCH');
    const put = await app.inject({
      method: 'PUT',
      url: local(data.upload.url),
      payload: bytes,
      headers: { 'content-type': 'image/png' },
    });
    expect(put.statusCode).toBe(200);
    const get = await app.inject({ method: 'GET', url: local(data.download_url) });
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(get.rawPayload, bytes)).toBe(0);
    const run = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      headers: auth,
      payload: {
        image: data.download_url.replace('localhost:80', 'sam3.internal:9999'),
        prompt: 'red',
        enable_sync_mode: true,
      },
    });
    expect(run.json().data.status).toBe('completed');
    // Read from storage as bytes, never fetched as a URL.
    expect(engine.segments[0]!.image).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(engine.segments[0]!.image as Uint8Array), bytes)).toBe(0);
  });

  it('serves an upload declared text/html as bytes to download, never as a page of this origin', async () => {
    const { app } = await setup();
    const html = Buffer.from('<script>alert(document.cookie)</script>');
    const t = await app.inject({
      method: 'POST',
      url: '/api/v3/media/uploads',
      payload: { filename: 'page.html', size: html.length, content_type: 'text/html' },
    });
    const data = t.json().data;
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: local(data.upload.url),
          payload: html,
          headers: { 'content-type': 'text/html' },
        })
      ).statusCode,
    ).toBe(200);
    const get = await app.inject({ method: 'GET', url: local(data.download_url) });
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('application/octet-stream');
    expect(get.headers['x-content-type-options']).toBe('nosniff');
    expect(get.headers['content-disposition']).toBe('attachment; filename="page.html"');
    expect(get.headers['content-security-policy']).toMatch(/sandbox/);
  });

  it('a correctly signed link with a traversing or odd file name is 404, not 500', async () => {
    const { app } = await setup();
    const signer = new UrlSigner('test-link-secret');
    for (const name of ['..%2F..%2Fjobs.db', '%2E%2E', 'a%2Fb', '.hidden']) {
      const path = `/files/jobs/${'a'.repeat(32)}/${name}`;
      const r = await app.inject({ method: 'GET', url: signer.sign('get', path, Date.now() + 60_000) });
      expect(r.statusCode, name).toBe(404);
      expect(['UPLOAD_NOT_FOUND', 'ROUTE_NOT_FOUND']).toContain(r.json().error.code);
    }
  });

  it('refuses a size over the limit, and a ticket without auth', async () => {
    const { app } = await setup(['k']);
    expect((await ticket(app, 10)).statusCode).toBe(401);
    const big = await ticket(app, 10 * 1024 * 1024, { authorization: 'Bearer k' });
    expect(big.statusCode).toBe(413);
    expect(big.json().message).toMatch(/Expected size ≤ 65536 bytes \(SAM3_MAX_UPLOAD_BYTES\) but received 10485760/);
  });

  it('refuses a content_type that is not a plain media type (it becomes a response header)', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/media/uploads',
      payload: { filename: 'a.png', size: 3, content_type: 'image/png\r\nx-evil: 1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 1401, data: null });
    expect(res.json().message).toMatch(/body\.content_type must match pattern/);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v3/media/uploads',
      payload: { filename: 'a.txt', size: 3, content_type: 'text/plain; charset=utf-8' },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('serves the webhook secret', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'GET', url: '/api/v3/webhook/secret' });
    expect(res.json()).toEqual({ code: 200, message: 'success', data: { secret: TEST_WEBHOOK_SECRET } });
  });
});
