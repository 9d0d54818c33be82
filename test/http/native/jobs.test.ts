// Native /v1/jobs over the same jobs the WaveSpeed facade submits: status, result, signed links, cancel, list.
import { describe, expect, it } from 'vitest';
import { build, TINY_PNG_BASE64 } from '../../helpers/build-app.js';
import { FakeEngine } from '../../helpers/fake-engine.js';
import { jobDeps } from '../../helpers/job-deps.js';

const DATA_URI = `data:image/png;base64,${TINY_PNG_BASE64}`;

describe('/v1/jobs', () => {
  it('shows a finished job with its result and links, refuses to cancel it (409), and lists it', async () => {
    const engine = new FakeEngine();
    const { app } = await build({ engine, jobs: jobDeps(engine) });
    const sub = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image-rle',
      payload: { image: DATA_URI, prompt: 'red', enable_sync_mode: true },
    });
    const id = sub.json().data.id as string;
    const res = await app.inject({ method: 'GET', url: `/v1/jobs/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      kind: 'image',
      model: 'wavespeed-ai/sam3-image-rle',
      status: 'completed',
      progress: 1,
      attempts: 1,
      error: null,
      result: {
        width: 40,
        height: 30,
        rle_format: 'coco',
        objects: [{ id: 1, label: 'red', box: [2, 3, 12, 9], area: 60 }],
      },
      files: { overlay: expect.stringMatching(/\/files\/jobs\/[0-9a-f]{32}\/overlay\.png\?expires=/) },
      webhook: null,
    });
    const cancel = await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` });
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().error).toMatchObject({
      code: 'JOB_ALREADY_FINISHED',
      message: `Job ${id} is already completed; only created or processing jobs can be cancelled`,
    });
    const list = await app.inject({ method: 'GET', url: '/v1/jobs?limit=5' });
    expect(list.json()).toMatchObject({ total: 1, limit: 5, offset: 0, jobs: [{ id }] });
    expect((await app.inject({ method: 'GET', url: '/v1/jobs?limit=500' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: `/v1/jobs/${'0'.repeat(32)}` })).json().error.code).toBe(
      'JOB_NOT_FOUND',
    );
  });

  it('cancels a running job; the WaveSpeed poll then reads failed', async () => {
    const engine = new FakeEngine();
    engine.delayMs = 2_000;
    const { app } = await build({ engine, jobs: jobDeps(engine) });
    const id = (
      await app.inject({
        method: 'POST',
        url: '/api/v3/wavespeed-ai/sam3-image',
        payload: { image: DATA_URI, prompt: 'red' },
      })
    ).json().data.id as string;
    while (engine.segments.length === 0) await new Promise((r) => setTimeout(r, 5));
    const cancel = await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` });
    expect(cancel.json()).toMatchObject({
      status: 'cancelled',
      error: { code: 'JOB_CANCELLED', message: 'The job was cancelled' },
    });
    const poll = await app.inject({ method: 'GET', url: `/api/v3/predictions/${id}` });
    expect(poll.json().data).toMatchObject({ status: 'failed', error: 'The job was cancelled', outputs: [] });
  });
});
