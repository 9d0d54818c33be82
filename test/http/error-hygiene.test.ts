// What error bodies may carry: a code, the field and what was expected — never a stack or a server path — and a
// malformed multipart body is the client's 400, not the server's 500.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SamError } from '../../src/domain/errors.js';
import { requestError, withoutServerPaths } from '../../src/http/errors.js';
import { build } from '../helpers/build-app.js';
import { FakeEngine } from '../helpers/fake-engine.js';
import { DeferredEngine } from '../../src/engine/deferred-engine.js';

describe('server paths in error bodies', () => {
  it('are cut to their last component in messages and string details; URL paths stay', () => {
    const temp = join(tmpdir(), 'sam3-session-1/source');
    const error = new SamError(
      'VIDEO_DECODE_FAILED',
      `Could not read file:///root/.local/share/sam3-server/files/jobs/j1/overlay.mp4 nor ${temp}`,
      { field: 'video', received: '/srv/models/sam3/x.onnx' },
    );
    const { error: shown } = requestError(error);
    expect(shown.message).toBe('Could not read …/overlay.mp4 nor …/source');
    expect(shown.details.received).toBe('…/x.onnx');
    expect(withoutServerPaths('No route for POST /v1/segment; see /docs')).toBe(
      'No route for POST /v1/segment; see /docs',
    );
  });

  it('native, Roboflow and WaveSpeed bodies carry no server path, on any error an engine raises', async () => {
    const engine = new FakeEngine();
    engine.failWith = new SamError(
      'MODEL_NOT_FOUND',
      `No .onnx graphs in ${join(process.cwd(), '.cache/models/sam3')}`,
      { field: 'model', received: join(process.cwd(), '.cache/models/sam3') },
    );
    const { app } = await build({ engine });
    const native = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: { image: { base64: 'iVBORw0KGgo=' }, prompts: [{ type: 'concept', text: 'a' }] },
    });
    const roboflow = await app.inject({
      method: 'POST',
      url: '/sam3/concept_segment',
      payload: { image: { type: 'base64', value: 'iVBORw0KGgo=' }, prompts: [{ text: 'a' }] },
    });
    for (const r of [native, roboflow]) {
      expect(r.statusCode).toBe(404);
      expect(r.body).not.toContain(process.cwd());
      expect(r.body).toContain('…/sam3');
    }
  });
});

describe('malformed multipart', () => {
  it('no boundary, and a truncated body, answer 400 naming the body', async () => {
    const { app } = await build();
    const noBoundary = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      headers: { 'content-type': 'multipart/form-data' },
      payload: 'garbage',
    });
    expect(noBoundary.statusCode).toBe(400);
    expect(noBoundary.json().error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'body' } });
    const truncated = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      payload:
        '--XYZ\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG',
    });
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('expected conditions are answered and logged as such', () => {
  function capture(): { lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }>; logger: never } {
    const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
    const make = (): Record<string, unknown> => {
      const log: Record<string, unknown> = { level: 'info' };
      for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        log[level] = (obj: Record<string, unknown>, msg: string) =>
          lines.push({ level, obj: typeof obj === 'object' ? obj : {}, msg });
      log.silent = () => undefined;
      log.child = () => log;
      return log;
    };
    return { lines, logger: make() as never };
  }

  it('a model that failed to load is 503 without Retry-After (not retryable), logged at info without a stack', async () => {
    const engine = new DeferredEngine(
      Promise.reject(new SamError('MODEL_NOT_FOUND', 'the model sam3 is not installed')),
    );
    await engine.loaded.catch(() => undefined);
    const { lines, logger } = capture();
    const { app } = await build({ engine, logger });
    const r = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: { image: { base64: 'iVBORw0KGgo=' }, prompts: [{ type: 'concept', text: 'a' }] },
    });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBeUndefined();
    expect(r.json().error.code).toBe('MODEL_UNAVAILABLE');
    const logged = lines.filter((l) => l.obj.code === 'MODEL_UNAVAILABLE');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('info');
    expect(logged[0]!.obj).not.toHaveProperty('err');
  });

  it('a full queue is one info line with no stack; an unexpected failure is an error with its stack', async () => {
    const engine = new FakeEngine();
    const { lines, logger } = capture();
    const { app } = await build({ engine, logger });
    const payload = { image: { base64: 'iVBORw0KGgo=' }, prompts: [{ type: 'concept', text: 'a' }] };
    engine.failWith = new SamError('QUEUE_FULL', 'full');
    expect((await app.inject({ method: 'POST', url: '/v1/segment', payload })).statusCode).toBe(503);
    engine.failWith = new Error('boom');
    expect((await app.inject({ method: 'POST', url: '/v1/segment', payload })).statusCode).toBe(500);
    const full = lines.filter((l) => l.obj.code === 'QUEUE_FULL');
    expect(full.map((l) => l.level)).toEqual(['info']);
    expect(full[0]!.obj).not.toHaveProperty('err');
    expect(lines.find((l) => l.obj.code === 'INTERNAL')).toMatchObject({
      level: 'error',
      obj: { err: expect.any(Error) },
    });
  });
});

describe('a full disk', () => {
  it('is 507 STORAGE_FULL on every surface, not a generic 500', async () => {
    const engine = new FakeEngine();
    const { app } = await build({ engine });
    engine.failWith = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const native = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: { image: { base64: 'iVBORw0KGgo=' }, prompts: [{ type: 'concept', text: 'a' }] },
    });
    expect(native.statusCode).toBe(507);
    expect(native.json().error.code).toBe('STORAGE_FULL');
    const roboflow = await app.inject({
      method: 'POST',
      url: '/sam3/concept_segment',
      payload: { image: { type: 'base64', value: 'iVBORw0KGgo=' }, prompts: [{ text: 'a' }] },
    });
    expect(roboflow.statusCode).toBe(507);
    engine.failWith = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/segment',
          payload: { image: { base64: 'iVBORw0KGgo=' }, prompts: [{ type: 'concept', text: 'a' }] },
        })
      ).statusCode,
    ).toBe(507);
  });
});
