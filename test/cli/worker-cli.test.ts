// `sam3 worker` and `sam3 serve --queue` argument handling, through the real CLI: a missing or malformed queue URL is
// refused before any model loads, naming the flag and what was expected.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/spawn-server.js';

const run = (args: string[]) =>
  spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SAM3_QUEUE: '' },
    timeout: 60_000,
  });

describe('sam3 worker / serve --queue', () => {
  it('worker without a queue exits with the error naming --queue', () => {
    const r = run(['worker', '--model', 'demo']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('INVALID_ARGUMENT');
    expect(r.stderr).toContain('--queue redis://HOST:PORT/DB');
  });

  it('a malformed queue URL or kind is reported as a configuration error, all at once', () => {
    const r = run(['worker', '--queue', 'http://nope', '--kinds', 'image,audio']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--queue: expected empty or redis://');
    expect(r.stderr).toContain('--kinds: expected comma-separated of image, video but received "image,audio"');
  });

  it('lists the worker flags in --help', () => {
    const r = run(['worker', '--help']);
    expect(r.stdout).toMatch(/--queue <value>[\s\S]*--kinds <value>[\s\S]*--concurrency <n>/);
  });
});
