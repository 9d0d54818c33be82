// `sam3 doctor`: what a bug report needs — versions, execution providers, ffmpeg, model dir and bundles, free disk.
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, cpus, platform, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { Settings } from '../config/settings.js';
import { configureFfmpeg, ffmpegBinaries } from '../media/ffmpeg-binary.js';
import { listBackends } from '../model/ort/graph-session.js';
import { listBundles } from '../model/store/model-store.js';
import { VERSION } from '../compose.js';
import { cliCommand } from '../config/cli-command.js';

export async function runDoctor(settings: Settings, print: (line: string) => void): Promise<void> {
  const require = createRequire(import.meta.url);
  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  configureFfmpeg({ ffmpeg: settings.ffmpegPath, ffprobe: settings.ffprobePath });
  const ffmpeg = await ffmpegBinaries().then(
    (b) =>
      promisify(execFile)(b.ffmpeg, ['-version']).then(
        (r) => `${r.stdout.split('\n')[0] ?? 'found'} (${b.source}: ${b.ffmpeg}, ${b.ffprobe})`,
      ),
    (e: Error) => `not found: ${e.message}`,
  );
  const disk = await statfs(settings.modelDir).catch(() => statfs(settings.cacheDir).catch(() => statfs('.')));
  const bundles = await listBundles(settings.modelDir);
  print(`sam3-server ${VERSION}`);
  print(
    `node        ${process.version} (${platform()} ${arch()}, ${cpus().length} CPUs, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM)`,
  );
  print(
    `onnxruntime ${ortVersion}; execution providers: ${listBackends()
      .map((b) => `${b.name}${b.bundled ? '' : ' (needs its libraries)'}`)
      .join(', ')}`,
  );
  print(`ffmpeg      ${ffmpeg}`);
  print(
    `model dir   ${settings.modelDir} (${((Number(disk.bavail) * Number(disk.bsize)) / 1024 ** 3).toFixed(1)} GiB free)`,
  );
  print(
    `models      ${bundles.length ? bundles.map((b) => `${b.name} [${b.complete.join(', ') || 'incomplete'}]`).join(', ') : `none installed (\`${cliCommand()} models pull sam3\`); the demo model is always available`}`,
  );
  print(
    `settings    model=${settings.model} device=${settings.device} dtype=${settings.dtype} threads=${settings.threads} gc-concurrent-marking=${settings.gcConcurrentMarking}`,
  );
}
