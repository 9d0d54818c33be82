// Without API keys: foreign Host names (DNS rebinding) and cross-site browser writes are refused on every surface;
// same-origin pages, tools without an Origin, loopback names and IP addresses, and configured names pass.
import { describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64, build } from '../helpers/build-app.js';
import { hostAllowed, hostName } from '../../src/http/plugins/origin-guard.js';

const segment = { image: { base64: TINY_PNG_BASE64 }, prompts: [{ type: 'concept', text: 'cat' }] };
const roboflow = { image: { type: 'base64', value: TINY_PNG_BASE64 }, prompts: [{ text: 'cat' }] };

describe('origin guard (no API keys)', () => {
  it('refuses a foreign Host (DNS rebinding) with 403 on every surface, and serves loopback names and IPs', async () => {
    const { app, engine } = await build();
    for (const host of ['evil.example', 'evil.example:8080', 'rebind.attacker.test.']) {
      const native = await app.inject({ method: 'POST', url: '/v1/segment', headers: { host }, payload: segment });
      expect(native.statusCode).toBe(403);
      expect(native.json().error).toMatchObject({ code: 'HOST_NOT_ALLOWED', details: { field: 'host' } });
      expect(native.json().error.message).toMatch(/SAM3_ALLOWED_HOSTS/);
      const page = await app.inject({ method: 'GET', url: '/healthz', headers: { host } });
      expect(page.statusCode).toBe(403);
      const rf = await app.inject({
        method: 'POST',
        url: '/sam3/concept_segment',
        headers: { host },
        payload: roboflow,
      });
      expect(rf.statusCode).toBe(403);
    }
    expect(engine.segments).toHaveLength(0);
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'app.localhost', '192.0.2.7']) {
      expect(
        (await app.inject({ method: 'POST', url: '/v1/segment', headers: { host }, payload: segment })).statusCode,
        host,
      ).toBe(200);
    }
  });

  it('refuses cross-site writes by Origin or Sec-Fetch-Site, keeps same-origin pages and tools without an Origin', async () => {
    const { app, engine } = await build();
    const host = '127.0.0.1:8080';
    const refused = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://127.0.0.1:9999' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/segment',
        headers: { host, ...headers },
        payload: segment,
      });
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
      expect(r.json().error.code).toBe('CROSS_SITE_REQUEST');
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/sam3/concept_segment',
            headers: { host, ...headers },
            payload: roboflow,
          })
        ).statusCode,
      ).toBe(403);
    }
    expect(engine.segments).toHaveLength(0);
    const same = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      headers: { host, origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' },
      payload: segment,
    });
    expect(same.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/segment', headers: { host }, payload: segment })).statusCode,
    ).toBe(200);
    // Reads from another page are not writes (the browser keeps the answer from it without CORS headers).
    expect(
      (await app.inject({ method: 'GET', url: '/healthz', headers: { host, origin: 'https://evil.example' } }))
        .statusCode,
    ).toBe(200);
  });

  it('lets configured hosts and origins through, and is off when API keys are set', async () => {
    const { app } = await build({ allowedHosts: ['sam3.internal'], allowedOrigins: ['https://labels.example'] });
    const headers = { host: 'sam3.internal:8080', origin: 'https://labels.example' };
    expect((await app.inject({ method: 'POST', url: '/v1/segment', headers, payload: segment })).statusCode).toBe(200);
    const keyed = (await build({ apiKeys: ['k'] })).app;
    const r = await keyed.inject({
      method: 'POST',
      url: '/v1/segment',
      headers: { host: 'any.example', origin: 'https://other.example', authorization: 'Bearer k' },
      payload: segment,
    });
    expect(r.statusCode).toBe(200);
  });

  it('parses Host headers strictly', () => {
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('Example.COM.')).toBe('example.com');
    expect(hostName('a b')).toBeUndefined();
    expect(hostName('')).toBeUndefined();
    expect(hostAllowed('::ffff:7f00:1', [])).toBe(true);
    expect(hostAllowed('localhost.evil.example', [])).toBe(false);
  });
});
