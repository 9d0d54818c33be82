import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SettingsError, configurationMarkdown, readSettings } from './settings.js';

describe('readSettings', () => {
  it('uses defaults, expands ~ and parses types', () => {
    const s = readSettings({ HOME: '/home/u' });
    expect(s.port).toBe(8080);
    expect(s.host).toBe('127.0.0.1');
    expect(s.apiKeys).toEqual([]);
    expect(s.cacheDir).toBe('/home/u/.cache/sam3-server');
    expect(s.maxPrompts).toBe(16);
  });

  it('flags win over the environment, which wins over defaults', () => {
    const s = readSettings({ SAM3_PORT: '9000', SAM3_API_KEYS: 'a, b,,c', SAM3_DEVICE: 'cuda' }, { port: '9100' });
    expect(s.port).toBe(9100);
    expect(s.apiKeys).toEqual(['a', 'b', 'c']);
    expect(s.device).toBe('cuda');
  });

  it('reports every bad value at once, naming the variable or flag', () => {
    let error: unknown;
    try {
      readSettings({ SAM3_PORT: '70000', SAM3_DEVICE: 'tpu', SAM3_MAX_PROMPTS: '0' }, { threads: 'many' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual([
      'SAM3_DEVICE: expected cpu|cuda|tensorrt|webgpu but received "tpu"',
      '--threads: expected integer ≥ 0 but received "many"',
      'SAM3_PORT: expected integer 0–65535 but received "70000"',
      'SAM3_MAX_PROMPTS: expected integer ≥ 1 but received "0"',
    ]);
  });

  it('docs/configuration.md is generated from the declarations (npm run docs:generate)', async () => {
    expect(await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).toBe(
      configurationMarkdown(),
    );
  });
});
