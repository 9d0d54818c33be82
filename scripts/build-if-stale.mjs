// `npm start`'s build step: runs `npm run build` only when a source, the playground or the build configuration is newer
// than the last build (dist/.build-stamp), so a second start takes no build time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = [
  'src',
  'playground',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'vite.config.ts',
];
const STAMP = join('dist', '.build-stamp');
const OUTPUTS = [join('dist', 'cli', 'main.js'), join('dist', 'playground', 'index.html')];

/** The newest modification time under a path (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

if (process.argv.includes('--stamp')) {
  // The end of `npm run build`: a build made by hand counts too.
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  process.exit(0);
}

const built = existsSync(STAMP) && OUTPUTS.every((p) => existsSync(p)) ? statSync(STAMP).mtimeMs : -1;
const changed = Math.max(...INPUTS.map(newest));
if (built >= changed) process.exit(0);
console.error(built < 0 ? 'building (first start)…' : 'sources changed since the last build: rebuilding…');
const started = Date.now();
const run = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], {
  stdio: 'inherit',
});
if (run.status !== 0) process.exit(run.status ?? 1);
console.error(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
