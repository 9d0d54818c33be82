// Cross-cutting HTTP behaviour through inject: API-key auth on every surface, and the Prometheus /metrics page.
import { describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64, build } from '../helpers/build-app.js';
import { ServerMetrics } from '../../src/observability/metrics.js';
import { FakeEngine } from '../helpers/fake-engine.js';

const rf = { image: { type: 'base64', value: TINY_PNG_BASE64 }, prompts: [{ text: 'a' }] };
const native = { image: { base64: TINY_PNG_BASE64 }, prompts: [{ type: 'concept', text: 'a' }] };

describe('API keys', () => {
  it('without keys configured every route is open', async () => {
    const { app } = await build();
    expect((await app.inject({ method: 'POST', url: '/v1/segment', payload: native })).statusCode).toBe(200);
  });

  it("with keys: probes stay open; everything else needs a valid key (401 in each surface's shape)", async () => {
    const { app, engine } = await build({ apiKeys: ['k-one', 'k-two'] });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    // The playground page is open under both of its names (its API calls carry the key the user types).
    expect((await app.inject('/')).statusCode).not.toBe(401);
    expect((await app.inject('/index.html')).statusCode).not.toBe(401);
    const none = await app.inject({ method: 'POST', url: '/v1/segment', payload: native });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: native,
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: native,
      headers: { authorization: 'Bearer k-two' },
    });
    expect(right.statusCode).toBe(200);
    expect((await app.inject('/v1/models')).statusCode).toBe(401);
    expect((await app.inject('/docs/')).statusCode).toBe(401);
    // Native routes do not read keys from the query string (keys in URLs end up in logs).
    expect((await app.inject({ method: 'POST', url: '/v1/segment?api_key=k-one', payload: native })).statusCode).toBe(
      401,
    );
    expect(engine.segments).toHaveLength(1);
  });

  it('the Roboflow facade also takes api_key in the query or the body', async () => {
    const { app, engine } = await build({ apiKeys: ['k-one'] });
    const none = await app.inject({ method: 'POST', url: '/sam3/concept_segment', payload: rf });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ message: expect.stringMatching(/API key is required/) });
    expect(
      (await app.inject({ method: 'POST', url: '/sam3/concept_segment?api_key=k-one', payload: rf })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/sam3/concept_segment?api_key=bad', payload: rf })).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/sam3/concept_segment', payload: { ...rf, api_key: 'k-one' } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/sam3/concept_segment', payload: { ...rf, api_key: 'bad' } }))
        .statusCode,
    ).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/sam3/concept_segment',
          payload: rf,
          headers: { authorization: 'Bearer k-one' },
        })
      ).statusCode,
    ).toBe(200);
    expect(engine.segments).toHaveLength(3);
  });
});

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, and mirrors engine counters', async () => {
    const engine = new FakeEngine();
    const metrics = new ServerMetrics(() => ({
      ...engine.stats(),
      embeddingCache: { hits: 4, misses: 2, entries: 1, bytes: 1000 },
    }));
    const { app } = await build({ engine, metrics });
    await app.inject({ method: 'POST', url: '/v1/segment', payload: native });
    await app.inject({ method: 'POST', url: '/v1/segment', payload: { prompts: [] } });
    metrics.observeStages({ pcs_decoder: 12 });
    const page = await app.inject('/metrics');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/plain/);
    expect(page.body).toContain('sam3_http_requests_total{route="/v1/segment",method="POST",status="200"} 1');
    expect(page.body).toContain('sam3_http_requests_total{route="/v1/segment",method="POST",status="400"} 1');
    expect(page.body).toContain('sam3_embedding_cache_hits_total 4');
    expect(page.body).toContain('sam3_inference_stage_duration_seconds_count{stage="pcs_decoder"} 1');
    expect(page.body).toMatch(/sam3_http_requests_in_flight 1/);
  });
});
