// `sam3 models pull | list | verify | rm`: the model store with progress bars (bytes, rate, ETA per file and in total).
import cliProgress from 'cli-progress';
import { join } from 'node:path';
import type { Settings } from '../config/settings.js';
import { SamError } from '../domain/errors.js';
import { CATALOGUE } from '../model/store/catalogue.js';
import { storeOptions } from '../compose.js';
import {
  diskBytes,
  listBundles,
  planPull,
  pullBundle,
  removeBundle,
  verifyBundle,
} from '../model/store/model-store.js';
import { PullProgress } from '../model/store/pull-progress.js';
import { cliCommand } from '../config/cli-command.js';

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
/** "812.4 MiB", "3.38 GiB". */
export const size = (bytes: number): string =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : mib(bytes);

export async function runPull(
  name: string,
  dtype: string,
  settings: Settings,
  dir: string | undefined,
  print: (line: string) => void,
): Promise<void> {
  // Name and dtype are checked before anything is drawn or downloaded.
  const { bundle, files } = planPull(name, dtype);
  print(
    `pulling ${bundle.label} (${name}, ${dtype}): ${files.length} files into ${dir ?? settings.modelDir}; sizes show as each download starts`,
  );
  const bars = new cliProgress.MultiBar(
    {
      format: ' {file} |{bar}| {percentage}% {value}/{total} MiB {speed} ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  // One bar per file and one for the whole bundle (its total grows as each file's size becomes known).
  const totalBar = bars.create(1, 0, { file: 'total'.padEnd(44), speed: '' });
  const progress = new PullProgress((s) => {
    totalBar.setTotal(Math.max(1, Math.round(s.knownBytes / 1048576)));
    totalBar.update(Math.round(s.doneBytes / 1048576), {
      speed: s.elapsedMs > 0 ? `${mib(s.doneBytes / (s.elapsedMs / 1000))}/s` : '',
    });
  });
  try {
    const installed = await pullBundle(name, dtype, storeOptions(settings, dir), (file) => {
      let bar: cliProgress.SingleBar | undefined;
      let done = 0;
      return progress.file({
        start(total, resumed) {
          done = resumed;
          bar = bars.create(Math.max(1, Math.round((total ?? 0) / 1048576)), Math.round(resumed / 1048576), {
            file: file.padEnd(44).slice(0, 44),
            speed: '',
          });
        },
        advance(bytes) {
          done += bytes;
          const seconds = (Date.now() - started) / 1000;
          bar?.update(Math.round(done / 1048576), { speed: seconds > 0 ? `${mib(done / seconds)}/s` : '' });
        },
      });
    });
    bars.stop();
    const files = Object.entries(installed.files);
    const unverified = files.filter(([, f]) => !f.verified).map(([p]) => p);
    print(
      `installed ${name} (${dtype}) in ${installed.dir}: ${files.length} files, ${size(files.reduce((n, [, f]) => n + f.bytes, 0))}`,
    );
    if (unverified.length)
      print(
        `note: no published SHA-256 for ${unverified.join(', ')}; their hashes were recorded now and \`${cliCommand()} models verify\` checks against them`,
      );
  } finally {
    bars.stop();
  }
}

export async function runList(settings: Settings, print: (line: string) => void): Promise<void> {
  const installed = await listBundles(settings.modelDir);
  const cli = cliCommand();
  print(`model dir: ${settings.modelDir}`);
  print(
    `${'demo'.padEnd(14)} ${'built-in synthetic model'.padEnd(38)} always available, no download (knows colours, not SAM 3's concepts)`,
  );
  for (const b of installed) {
    const bytes = await diskBytes(b.dir);
    const head = `${b.name.padEnd(14)} ${b.label.padEnd(38)}`;
    if (b.complete.length) {
      print(`${head} ${b.complete.join(', ')}, ${size(bytes)}`);
      continue;
    }
    // A pull that stopped part-way: what it left and the command that resumes it.
    const dtypes = [...new Set(Object.values(b.files).map((f) => f.dtype))];
    const resume = `${cli} models pull ${b.name}${dtypes.length === 1 ? ` --dtype ${dtypes[0]}` : ''}`;
    print(`${head} incomplete pull, ${size(bytes)} on disk: run \`${resume}\` to finish it`);
  }
  if (!installed.some((b) => b.complete.length))
    print(`no SAM 3 model installed yet: \`${cli} models pull sam3\` (no account needed)`);
  print(
    'available: ' + CATALOGUE.map((b) => `${b.name} (${b.dtypes.join('/')}) — ${b.description}`).join('\n           '),
  );
}

export async function runVerify(
  name: string | undefined,
  settings: Settings,
  print: (line: string) => void,
): Promise<void> {
  const names = name ? [name] : (await listBundles(settings.modelDir)).map((b) => b.name);
  let failed = 0;
  for (const n of names) {
    const problems = await verifyBundle(join(settings.modelDir, n));
    if (problems.length === 0) print(`${n}: ok (checksums match, every graph opens and fits its contract)`);
    else {
      failed++;
      for (const p of problems) print(`${n}: ${p}`);
    }
  }
  if (failed)
    throw new SamError(
      'MODEL_CHECKSUM_MISMATCH',
      `${failed} model bundle(s) failed verification; \`${cliCommand()} models pull NAME\` after \`${cliCommand()} models rm NAME\` reinstalls`,
      {},
    );
}

export async function runRemove(name: string, settings: Settings, print: (line: string) => void): Promise<void> {
  await removeBundle(settings.modelDir, name);
  print(`removed ${name} from ${settings.modelDir}`);
}
