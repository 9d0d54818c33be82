// Interactive session prompts obey the limits of /v1/segment: concepts per session (SAM3_MAX_PROMPTS), points per
// object, boxes with area; a refused prompt leaves the session as it was.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';

let dir: string;
let engine: LocalEngine;
let id: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-session-limits-'));
  const clip = await writeSyntheticVideo(join(dir, 'clip.mp4'), {
    width: 64,
    height: 48,
    fps: 5,
    frames: 3,
    shapes: [linear(COLORS.red, 12, 12, [4, 4], [40, 20], 0, 2, 3)],
  });
  engine = await LocalEngine.create({
    modelDir: await demoBundle(504),
    sessionLimits: {
      maxSessions: 2,
      memoryBudgetBytes: 64 * 1024 ** 2,
      idleTtlMs: 60_000,
      maxFrames: 10,
      maxConcepts: 4,
    },
  });
  id = (await engine.sessions.create({ bytes: await readFile(clip.path) })).id;
});
afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('session prompt limits', () => {
  it('refuses more concepts than the limit, counting those the session holds, and keeps the session unchanged', async () => {
    const many = Array.from({ length: 250 }, (_, i) => `thing${i}`).join(', ');
    await expect(engine.sessions.prompt(id, { frameIndex: 0, text: many })).rejects.toMatchObject({
      code: 'PROMPT_BATCH_TOO_LARGE',
      details: { field: 'text', limit: 4 },
    });
    await engine.sessions.prompt(id, { frameIndex: 0, text: 'red, blue, green' });
    await expect(engine.sessions.prompt(id, { frameIndex: 1, text: 'yellow, cyan' })).rejects.toMatchObject({
      code: 'PROMPT_BATCH_TOO_LARGE',
    });
    expect(engine.sessions.get(id).concepts).toEqual(['red', 'blue', 'green']);
    await engine.sessions.prompt(id, { frameIndex: 1, text: 'red, yellow' }); // one new: exactly at the limit
    expect(engine.sessions.get(id).concepts).toHaveLength(4);
  });

  it('refuses a reversed box and too many points, naming the field, as /v1/segment does', async () => {
    await expect(
      engine.sessions.prompt(id, { frameIndex: 0, box: { x0: 50, y0: 50, x1: 1, y1: 1 } }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'box' } });
    const points = Array.from({ length: 65 }, () => ({ x: 10, y: 10, positive: true }));
    await expect(engine.sessions.prompt(id, { frameIndex: 0, points })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'points' },
    });
    const ok = await engine.sessions.prompt(id, { frameIndex: 0, box: { x0: 2, y0: 2, x1: 20, y1: 20 } });
    expect(ok.objId).toBeDefined();
  });
});
