// `npm start` builds only when something it is built from changed since the last build.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(process.cwd(), 'scripts', 'build-if-stale.mjs');

describe('scripts/build-if-stale.mjs', () => {
  it('builds on the first start, not on the second, and again after a source changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-build-stale-'));
    // A stand-in project whose build counts its runs, makes the outputs and stamps like the real one.
    const build = `node -e "const f=require('fs');f.mkdirSync('dist/cli',{recursive:true});f.mkdirSync('dist/playground',{recursive:true});f.writeFileSync('dist/cli/main.js','');f.writeFileSync('dist/playground/index.html','');f.appendFileSync('builds','x')" && node ${SCRIPT} --stamp`;
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'stand-in', private: true, scripts: { build } }));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'a.ts'), 'export {};\n');
    const start = () => promisify(execFile)(process.execPath, [SCRIPT], { cwd: dir });
    const builds = async () => (await readFile(join(dir, 'builds'), 'utf8').catch(() => '')).length;

    await start();
    expect(await builds()).toBe(1);
    await start();
    expect(await builds()).toBe(1);
    const later = new Date(Date.now() + 5_000);
    await utimes(join(dir, 'src', 'a.ts'), later, later);
    await start();
    expect(await builds()).toBe(2);
  }, 60_000);
});
