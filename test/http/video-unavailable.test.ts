// Without ffmpeg on the node that runs the jobs, a video submission is refused at once (VIDEO_UNAVAILABLE), on the
// native and WaveSpeed surfaces, instead of being accepted and failing later; nothing is queued.
import { describe, expect, it } from 'vitest';
import { SamError } from '../../src/domain/errors.js';
import { build } from '../helpers/build-app.js';
import { FakeEngine } from '../helpers/fake-engine.js';
import { jobDeps } from '../helpers/job-deps.js';

const unavailable = async (): Promise<void> => {
  throw new SamError(
    'VIDEO_UNAVAILABLE',
    'Video needs ffmpeg and ffprobe: install them (Debian/Ubuntu: apt-get install ffmpeg)',
  );
};

describe('video submissions without ffmpeg', () => {
  it('answer VIDEO_UNAVAILABLE at once and queue nothing', async () => {
    const engine = new FakeEngine();
    const deps = jobDeps(engine, { videoAvailable: unavailable });
    const { app } = await build({ engine, jobs: deps });
    const native = await app.inject({
      method: 'POST',
      url: '/v1/videos',
      payload: { video: { base64: 'AAAA' }, concepts: ['red'] },
    });
    expect(native.statusCode).toBe(501);
    expect(native.json().error).toMatchObject({
      code: 'VIDEO_UNAVAILABLE',
      message: expect.stringMatching(/apt-get install ffmpeg/),
    });
    const wavespeed = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-video-rle',
      payload: { video: 'data:video/mp4;base64,AAAA', prompt: 'red' },
    });
    expect(wavespeed.statusCode).toBe(400);
    expect(wavespeed.json().message).toMatch(/ffmpeg/);
    const listed = await app.inject('/v1/jobs');
    expect(listed.json().total).toBe(0);
    // Image jobs are not affected.
    const image = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image-rle',
      payload: { image: 'data:image/png;base64,iVBORw0KGgo=', prompt: 'red' },
    });
    expect(image.statusCode).toBe(200);
  });
});
