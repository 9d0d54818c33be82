// /docs/json is a valid OpenAPI 3.0 document (checked against the specification's JSON schema) and lists every
// route a client calls: the native, Roboflow and WaveSpeed surfaces, jobs, sessions and the signed file links.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { build } from '../helpers/build-app.js';
import { jobDeps } from '../helpers/job-deps.js';
import { FakeEngine } from '../helpers/fake-engine.js';

describe('OpenAPI document', () => {
  it('validates against the OpenAPI 3.0 schema and names every surface', async () => {
    const engine = new FakeEngine();
    const { app } = await build({ engine, jobs: jobDeps(engine) });
    const response = await app.inject('/docs/json');
    expect(response.statusCode).toBe(200);
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.0\./);
    for (const path of [
      '/v1/segment',
      '/v1/videos',
      '/v1/jobs/{id}',
      '/v1/video-sessions/{id}/prompts',
      '/sam3/concept_segment',
      '/sam3/visual_segment',
      '/api/v3/wavespeed-ai/sam3-image',
      '/api/v3/media/uploads',
      '/files/uploads/{id}/{name}',
      '/files/jobs/{id}/{name}',
    ]) {
      expect(Object.keys(document.paths), path).toContain(path);
    }
    expect(Object.keys(document.paths['/files/uploads/{id}/{name}']!)).toEqual(expect.arrayContaining(['get', 'put']));
  });
});
