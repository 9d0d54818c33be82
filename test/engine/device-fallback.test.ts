// Requesting CUDA where its libraries are absent (as on CI) falls back to the CPU provider with a warning.
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { listBackends } from '../../src/model/ort/graph-session.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { RED, drawScene, encodePng, iou } from '../helpers/scenes.js';

describe('execution provider fallback', () => {
  it('cuda → cpu with one warning per graph when CUDA is not bundled', async () => {
    const cuda = listBackends().find((b) => b.name === 'cuda');
    if (cuda?.bundled) return; // a machine with the CUDA EP would really use it; nothing to fall back from
    const warnings: string[] = [];
    const engine = await LocalEngine.create({
      modelDir: await demoBundle(504),
      device: 'cuda',
      onWarning: (m) => warnings.push(m),
    });
    try {
      expect(engine.info().model.device).toBe('cpu');
      expect(warnings.length).toBe(8); // one per graph: 3 PCS, 2 PVS, 3 video memory tracker
      expect(warnings[0]).toMatch(/execution provider 'cuda' unavailable .* falling back to cpu/);
      const scene = drawScene(200, 150, [{ kind: 'rect', color: RED, x0: 20, y0: 20, x1: 120, y1: 100 }]);
      const r = await engine.segment({ image: await encodePng(scene), concepts: [{ text: 'red' }] });
      expect(iou(r.concepts[0]!.instances[0]!.mask, scene.masks[0]!)).toBeGreaterThanOrEqual(0.95);
    } finally {
      await engine.close();
    }
  });
});
