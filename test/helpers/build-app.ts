// Builds the HTTP app around a FakeEngine for inject tests, closed after each test; plus golden-JSON comparison.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect } from 'vitest';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { FakeEngine } from './fake-engine.js';

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

export const TEST_LIMITS = {
  maxBodyBytes: 256 * 1024,
  maxImageBytes: 128 * 1024,
  maxPrompts: 16,
  requestTimeoutMs: 5_000,
};

export async function build(overrides: Partial<AppDeps> = {}): Promise<{ app: FastifyInstance; engine: FakeEngine }> {
  const engine = (overrides.engine as FakeEngine | undefined) ?? new FakeEngine();
  const app = await buildApp({ engine, limits: TEST_LIMITS, version: 'test', ...overrides });
  open.push(app);
  return { app, engine };
}

/** Compares with the committed golden file; UPDATE_GOLDENS=1 rewrites it. A missing golden fails. */
export async function expectGolden(path: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDENS === '1') {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    return;
  }
  if (!existsSync(path)) throw new Error(`Missing golden ${path}; run with UPDATE_GOLDENS=1 and review the file`);
  expect(JSON.parse(text)).toEqual(JSON.parse(await readFile(path, 'utf8')));
}

/** A valid 1×1 PNG in base64 (the fake engine never decodes it; real-decode paths are in the e2e tests). */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
