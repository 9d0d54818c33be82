// The installed-model store: `pull` (parallel resumable downloads, checksums, a lock per bundle, the manifest written
// last so a bundle is either complete or absent from `list`), `list`, `verify` (hashes + contract check), `rm`.
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SamError } from '../../domain/errors.js';
import { loadModelBundle, type ModelDtype } from '../sam3/model-bundle.js';
import { CATALOGUE, describeSource, sourceUrl, type CatalogueBundle, type CatalogueFile } from './catalogue.js';
import { downloadFile, hashFile, proxyDispatcher, type DownloadProgress, type ProxySettings } from './download-file.js';
import { cliCommand } from '../../config/cli-command.js';

export interface StoreOptions {
  /** Directory holding one folder per bundle. */
  root: string;
  hfEndpoint: string;
  hfToken?: string;
  /** Files downloaded at once. */
  parallel?: number;
  catalogue?: readonly CatalogueBundle[];
  /** HTTP(S) proxies for every download. */
  proxy?: ProxySettings;
}

export interface InstalledFile {
  bytes: number;
  sha256: string;
  /** true: checked against a published or pinned hash; false: recorded on first download. */
  verified: boolean;
  dtype: string;
}

export interface InstalledBundle {
  name: string;
  label: string;
  dir: string;
  files: Record<string, InstalledFile>;
  /** dtypes whose every catalogue file is installed. */
  complete: string[];
}

const MANIFEST = 'manifest.json';

export function findBundle(name: string, catalogue: readonly CatalogueBundle[] = CATALOGUE): CatalogueBundle {
  const bundle = catalogue.find((b) => b.name === name);
  if (!bundle)
    throw new SamError(
      'MODEL_NOT_FOUND',
      `No model named ${JSON.stringify(name)} in the catalogue; known: ${catalogue.map((b) => b.name).join(', ')}`,
      { field: 'name', received: name },
    );
  return bundle;
}

/** An exclusive lock file holding our pid; a lock left by a dead process is taken over. */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0)
        throw new SamError(
          'MODEL_LOCKED',
          `Another process holds ${path} (installing or removing this model); wait for it or remove the file if no sam3 process is running`,
          {},
          { cause: error },
        );
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      let alive = false;
      try {
        alive = pid > 0 && process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (alive)
        throw new SamError(
          'MODEL_LOCKED',
          `Another sam3 process (pid ${pid}) is installing or removing this model; wait for it to finish`,
          { received: pid },
        );
      await rm(path, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

export async function readInstalled(dir: string): Promise<InstalledBundle | undefined> {
  const text = await readFile(join(dir, MANIFEST), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const m = JSON.parse(text) as Partial<InstalledBundle>;
  const name = m.name ?? basename(dir);
  return { name, label: m.label ?? name, dir, files: m.files ?? {}, complete: m.complete ?? [] };
}

/** The catalogue bundle and its files for a name and dtype; refuses an unknown name or a dtype it is not published in. */
export function planPull(
  name: string,
  dtype: string,
  catalogue: readonly CatalogueBundle[] = CATALOGUE,
): { bundle: CatalogueBundle; files: CatalogueFile[] } {
  const bundle = findBundle(name, catalogue);
  if (!bundle.dtypes.includes(dtype))
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected one of ${bundle.dtypes.join(', ')} for --dtype of ${name} but received ${JSON.stringify(dtype)}`,
      { field: 'dtype', received: dtype },
    );
  return { bundle, files: bundle.files(dtype) };
}

export async function pullBundle(
  name: string,
  dtype: string,
  options: StoreOptions,
  onFile?: (path: string) => DownloadProgress,
): Promise<InstalledBundle> {
  const { bundle } = planPull(name, dtype, options.catalogue);
  const dir = join(options.root, name);
  return withLock(join(options.root, `${name}.lock`), async () => {
    const installed: InstalledBundle = (await readInstalled(dir)) ?? {
      name,
      label: bundle.label,
      dir,
      files: {},
      complete: [],
    };
    const todo = bundle.files(dtype).filter((f) => !installed.files[f.path]);
    const dispatcher = proxyDispatcher(options.proxy);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < todo.length; i = next++) {
        const file = todo[i]!;
        const dest = join(dir, file.path);
        await mkdir(dirname(dest), { recursive: true });
        const isHf = file.source.kind === 'hf';
        const result = await downloadFile(
          {
            url: sourceUrl(file.source, options.hfEndpoint),
            dest,
            source: describeSource(file.source),
            ...(file.sha256 ? { sha256: file.sha256 } : {}),
            ...(dispatcher ? { dispatcher } : {}),
            ...(isHf && options.hfToken ? { headers: { authorization: `Bearer ${options.hfToken}` } } : {}),
          },
          onFile?.(file.path),
        );
        installed.files[file.path] = { bytes: result.bytes, sha256: result.sha256, verified: result.verified, dtype };
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(options.parallel ?? 4, todo.length) }, worker));
      if (!installed.complete.includes(dtype)) installed.complete.push(dtype);
    } finally {
      // Written even after a failure, so the files that did finish are skipped next time; only `complete` dtypes count.
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, MANIFEST),
        `${JSON.stringify({ name, label: bundle.label, files: installed.files, complete: installed.complete }, null, 2)}\n`,
      );
    }
    return installed;
  });
}

/** Bytes a bundle directory holds on disk, unfinished `.part` downloads included. */
export async function diskBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const sizes = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map((e) =>
        stat(join(e.parentPath, e.name)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

export async function listBundles(root: string): Promise<InstalledBundle[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name));
  // The generated demo bundle can live here too (the cache dir's models/); it is built, not pulled.
  const synthetic = await Promise.all(
    dirs.map((d) =>
      readFile(join(d, MANIFEST), 'utf8').then(
        (t) => (JSON.parse(t) as { synthetic?: unknown }).synthetic === true,
        () => false,
      ),
    ),
  );
  const found = await Promise.all(dirs.filter((_, i) => !synthetic[i]).map((d) => readInstalled(d)));
  return found.filter((b): b is InstalledBundle => b !== undefined);
}

/** Re-hashes every recorded file, then opens every graph of each installed dtype and validates its contract. */
export async function verifyBundle(dir: string): Promise<string[]> {
  const installed = await readInstalled(dir);
  if (!installed) return [`${dir} is not an installed bundle (no ${MANIFEST})`];
  const problems: string[] = [];
  // A pull cut short leaves a manifest with some files or none: the catalogue says what a complete bundle holds.
  const known = CATALOGUE.find((b) => b.name === installed.name);
  if (known) {
    const dtypes = new Set([...installed.complete, ...Object.values(installed.files).map((f) => f.dtype)]);
    if (dtypes.size === 0)
      problems.push(
        `no graphs installed (an interrupted pull?); run \`${cliCommand()} models pull ${installed.name}\` again`,
      );
    for (const dtype of dtypes) {
      const missing = known
        .files(dtype)
        .filter((f) => !installed.files[f.path])
        .map((f) => f.path);
      if (missing.length)
        problems.push(
          `${dtype}: incomplete, missing ${missing.join(', ')}; run \`${cliCommand()} models pull ${installed.name} --dtype ${dtype}\` again`,
        );
    }
  } else if (Object.keys(installed.files).length === 0) {
    problems.push('no graphs installed');
  }
  for (const [path, file] of Object.entries(installed.files)) {
    const full = join(dir, path);
    const size = await stat(full).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) problems.push(`${path}: missing`);
    else if (size !== file.bytes) problems.push(`${path}: ${size} bytes, expected ${file.bytes}`);
    else if ((await hashFile(full)).hash.digest('hex') !== file.sha256)
      problems.push(`${path}: SHA-256 differs from the one recorded at install`);
  }
  if (problems.length) return problems;
  for (const dtype of new Set(Object.values(installed.files).map((f) => f.dtype))) {
    try {
      const bundle = await loadModelBundle(dir, { dtype: dtype as ModelDtype });
      for (const g of Object.values(bundle.graphs)) await g?.session.release();
    } catch (error) {
      problems.push(`${dtype}: ${(error as Error).message}`);
    }
  }
  return problems;
}

export async function removeBundle(root: string, name: string): Promise<void> {
  const dir = join(root, name);
  if (!(await readInstalled(dir)))
    throw new SamError('MODEL_NOT_FOUND', `No installed model named ${JSON.stringify(name)} in ${root}`, {
      field: 'name',
      received: name,
    });
  await withLock(join(root, `${name}.lock`), () => rm(dir, { recursive: true, force: true }));
}
