// `sam3 segment` through runSegment: table, JSON whose RLE decodes to the drawn shape, overlay, and clear errors.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runSegment } from '../../src/cli/segment.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { TEST_MODEL_ROOT } from '../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng, iou } from '../helpers/scenes.js';

const settings = {
  model: 'demo',
  device: 'cpu' as const,
  dtype: 'fp32' as const,
  threads: 0,
  cacheDir: join(TEST_MODEL_ROOT, 'cli'),
};

describe('sam3 segment', () => {
  it('prints a row per instance and writes JSON with pycocotools RLE and an overlay', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-cli-'));
    const scene = drawScene(300, 200, [{ kind: 'rect', color: RED, x0: 30, y0: 40, x1: 180, y1: 150 }]);
    await writeFile(join(dir, 'in.png'), await encodePng(scene));
    const lines: string[] = [];
    const out = join(dir, 'r.json');
    const overlay = join(dir, 'o.jpg');
    await runSegment(join(dir, 'in.png'), { text: 'red, blue', out, overlay, timings: true }, settings, (l) =>
      lines.push(l),
    );
    expect(lines[0]).toMatch(/demo \(synthetic, not SAM 3\).*300×200.*instances: 1/);
    expect(lines.some((l) => /^red\s+0\.9\d\d\s+30,40,180,150/.test(l))).toBe(true);
    expect(lines.some((l) => /pcs_vision_encoder/.test(l))).toBe(true);
    const json = JSON.parse(await readFile(out, 'utf8')) as {
      instances: Array<{ rle: { size: [number, number]; counts: string } }>;
    };
    expect(iou(decodeCocoRle(json.instances[0]!.rle), scene.masks[0]!)).toBeGreaterThanOrEqual(0.95);
    expect(await sharp(overlay).metadata()).toMatchObject({ format: 'jpeg', width: 300, height: 200 });
  });

  it('on the demo model, a concept that is not a colour found nothing and says the demo knows only colours', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-cli-'));
    await writeFile(
      join(dir, 'in.png'),
      await encodePng(drawScene(120, 80, [{ kind: 'rect', color: RED, x0: 10, y0: 10, x1: 60, y1: 50 }])),
    );
    const lines: string[] = [];
    await runSegment(join(dir, 'in.png'), { text: 'dog, red, blue' }, settings, (l) => lines.push(l));
    const hints = lines.filter((l) => l.startsWith('hint: '));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/"dog" is not a word this model knows: it knows only red, green, blue, yellow/);
  });

  it('--everything lists one mask per shape, and refuses a bad --points-per-side', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-cli-'));
    const scene = drawScene(200, 120, [
      { kind: 'rect', color: RED, x0: 10, y0: 10, x1: 80, y1: 70 },
      { kind: 'rect', color: BLUE, x0: 120, y0: 40, x1: 190, y1: 110 },
    ]);
    await writeFile(join(dir, 'in.png'), await encodePng(scene));
    const lines: string[] = [];
    await runSegment(join(dir, 'in.png'), { everything: true, pointsPerSide: '8' }, settings, (l) => lines.push(l));
    expect(lines[0]).toMatch(/instances: 2/);
    expect(lines.filter((l) => /^mask #\d/.test(l))).toHaveLength(2);
    await expect(
      runSegment(join(dir, 'in.png'), { everything: true, pointsPerSide: '0' }, settings, () => {}),
    ).rejects.toMatchObject({ details: { field: '--points-per-side' } });
  });

  it('a missing file or a malformed flag is a clear SamError, before the model loads', async () => {
    await expect(runSegment('/nonexistent/x.png', { text: 'red' }, settings, () => {})).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: expect.stringMatching(/x\.png: ENOENT/),
    });
    await expect(runSegment('/nonexistent/x.png', { point: ['1,x'] }, settings, () => {})).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: '--point' },
    });
  });

  it('refuses an overlay name of no image format and an output directory it cannot write, before any inference', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-cli-'));
    await writeFile(
      join(dir, 'in.png'),
      await encodePng(drawScene(60, 40, [{ kind: 'rect', color: RED, x0: 5, y0: 5, x1: 30, y1: 30 }])),
    );
    const lines: string[] = [];
    await expect(
      runSegment(join(dir, 'in.png'), { text: 'red', overlay: join(dir, 'o.bmp') }, settings, (l) => lines.push(l)),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: '--overlay' } });
    await expect(
      runSegment(join(dir, 'in.png'), { text: 'red', out: join(dir, 'missing', 'r.json') }, settings, (l) =>
        lines.push(l),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: '--out' } });
    expect(lines).toEqual([]); // nothing ran
  });

  it('--out - writes the JSON to standard output and the table to standard error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-cli-'));
    await writeFile(
      join(dir, 'in.png'),
      await encodePng(drawScene(60, 40, [{ kind: 'rect', color: RED, x0: 5, y0: 5, x1: 30, y1: 30 }])),
    );
    const lines: string[] = [];
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await runSegment(join(dir, 'in.png'), { text: 'red', out: '-' }, settings, (l) => lines.push(l));
    } finally {
      process.stderr.write = write;
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      image: { width: 60, height: 40 },
      instances: [expect.objectContaining({ label: 'red' })],
    });
    expect(stderr.join('')).toMatch(/instances: 1/);
    await expect(readFile(join(process.cwd(), '-'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
