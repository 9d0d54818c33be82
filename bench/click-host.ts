// `npx tsx bench/click-host.ts`: the click path on a cached 1080p image (demo model at full size): time per click
// outside the decoder graph — prompt encoding, candidate selection, upsampling, area, box, COCO RLE — by request path.
import sharp from 'sharp';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { writeDemoBundle } from '../src/demo-model/write-demo-bundle.js';
import { LocalEngine } from '../src/engine/local-engine.js';

const CLICKS = Number(process.env.CLICKS ?? 40);
const jpeg = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#808080' } })
  .composite([
    { input: { create: { width: 700, height: 500, channels: 3, background: '#ff0000' } }, left: 300, top: 200 },
  ])
  .jpeg({ quality: 90 })
  .toBuffer();
const engine = await LocalEngine.create({
  modelDir: await writeDemoBundle(join(tmpdir(), 'sam3-bench-demo-r1008')),
  // SAM3_ORT_SPINNING=on: ONNX Runtime's threads spinning, as the server's setting of that name.
  spinning: process.env.SAM3_ORT_SPINNING === 'on',
});
const { imageId } = await engine.embed({ image: jpeg });
const hosts: number[] = [];
const decoders: number[] = [];
for (let i = 0; i < CLICKS + 5; i++) {
  // A different click each time (the decoder cache would answer repeats without running).
  const point = { x: 400 + (i % 20) * 20, y: 300 + Math.floor(i / 20) * 20, positive: true };
  const t = performance.now();
  const r = await engine.segment({ imageId, objects: [{ points: [point] }], maskEncodings: ['rle'] });
  const wall = performance.now() - t;
  if (i < 5) continue;
  decoders.push(r.timings.pvs_decoder ?? 0);
  hosts.push(wall - (r.timings.pvs_decoder ?? 0));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(
  JSON.stringify({
    clicks: CLICKS,
    hostMsMedian: +median(hosts).toFixed(2),
    decoderMsMedian: +median(decoders).toFixed(2),
  }),
);
await engine.close();
