// `sam3 models export`: what it says when the Python it would use cannot export, what it says about gated sources,
// and — where a Python with torch and transformers is at hand (SAM3_PYTHON, else python3) — a real export of the tiny
// random-weight architecture that `models verify` accepts and `sam3 video` tracks a clicked object with. CI has no
// torch, so there the export case is skipped and says so; tools/reference/requirements.txt sets one up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  accessNote,
  checkExportPython,
  EXPORT_REQUIREMENTS,
  exportName,
  runExport,
  TINY_SOURCE,
} from '../../src/cli/models-export.js';
import { runVerify } from '../../src/cli/models.js';
import { runVideo } from '../../src/cli/video.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';

const TOKENIZER = join(import.meta.dirname, '..', 'fixtures', 'reference', 'tiny-sam3', 'tokenizer.json');
const python = process.env.SAM3_PYTHON ?? 'python3';
const canExport = await checkExportPython(python).then(
  () => true,
  () => false,
);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('sam3 models export', () => {
  it('names the requirements and the commands that set up a Python when the one given cannot export', async () => {
    const error = await runExport(
      { from: TINY_SOURCE, weights: 'fp32', python: '/nonexistent/python3' },
      '/tmp',
      () => {},
    ).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('MODEL_EXPORT_FAILED');
    expect(error?.message).toContain(EXPORT_REQUIREMENTS);
    expect(error?.message).toMatch(/python3 -m venv \.venv-export && \.venv-export\/bin\/pip install -r /);
    expect(error?.message).toMatch(/models export --python \.venv-export\/bin\/python/);
    expect(error?.message).toContain('did not start');
  });

  it('says what a gated hub source needs, and nothing for local or test sources', () => {
    expect(accessNote('facebook/sam3', {})).toMatch(
      /accept its licence on https:\/\/huggingface\.co\/facebook\/sam3.*set HF_TOKEN/,
    );
    expect(accessNote('facebook/sam3', { HF_TOKEN: 'x' })).toMatch(/with HF_TOKEN/);
    expect(accessNote(TINY_SOURCE, {})).toBeNull();
    expect(accessNote(tmpdir(), {})).toBeNull();
    expect(exportName({ from: 'facebook/sam3' })).toBe('sam3-export');
    expect(exportName({ from: TINY_SOURCE, name: 'mine' })).toBe('mine');
  });

  it.skipIf(!canExport)(
    `exports the tiny architecture, which models verify accepts and sam3 video tracks a click with (${canExport ? python : 'skipped: no Python with torch and transformers; set SAM3_PYTHON'})`,
    async () => {
      const modelDir = await mkdtemp(join(tmpdir(), 'sam3-export-'));
      dirs.push(modelDir);
      const lines: string[] = [];
      const name = await runExport(
        { from: TINY_SOURCE, weights: 'fp16', python, tokenizer: TOKENIZER },
        modelDir,
        (l) => lines.push(l),
      );
      expect(name).toBe('sam3-tiny-random');
      const verified: string[] = [];
      await runVerify(name, { modelDir } as Parameters<typeof runVerify>[1], (l) => verified.push(l));
      expect(verified).toEqual([`${name}: ok (checksums match, every graph opens and fits its contract)`]);
      const clip = await writeSyntheticVideo(join(modelDir, 'in.mp4'), {
        width: 96,
        height: 64,
        fps: 8,
        frames: 6,
        shapes: [linear(COLORS.green, 24, 20, [10, 10], [60, 30], 0, 5, 6)],
      });
      const out: string[] = [];
      await runVideo(
        clip.path,
        { point: ['0:20,20'], out: join(modelDir, 'masks.json'), progress: false },
        { model: join(modelDir, name), device: 'cpu', dtype: 'fp32', threads: 0, cacheDir: modelDir },
        (l) => out.push(l),
      );
      expect(out[0]).toMatch(/6 frames processed \(memory-tracker\)/);
    },
    300_000,
  );
});
