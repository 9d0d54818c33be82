// Opens a model directory: picks the dtype variant of each graph, detects each graph's role from its tensors.
import { access, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SamError } from '../../domain/errors.js';
import { GraphSession, type SessionOptions } from '../ort/graph-session.js';
import { withKeptQueries } from './kept-queries-graph.js';
import { detectContract, type GraphContract, type GraphRole } from './manifest.js';

/** Weight variants as published (transformers.js suffixes `_fp16`, `_quantized`, `_q4`, `_q4f16`; usls `-q4f16`). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16' | 'bnb4';
export const MODEL_DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16', 'bnb4'];

const SUFFIXES: Record<ModelDtype, readonly string[]> = {
  fp32: [],
  fp16: ['fp16'],
  q8: ['quantized', 'q8', 'int8', 'uint8'],
  q4: ['q4'],
  q4f16: ['q4f16'],
  bnb4: ['bnb4'],
};
const ALL_SUFFIXES = Object.values(SUFFIXES).flat();

function variantOf(file: string): string | null {
  const stem = basename(file, '.onnx');
  const hit = ALL_SUFFIXES.filter((s) => stem.endsWith(`_${s}`) || stem.endsWith(`-${s}`)).sort(
    (a, b) => b.length - a.length,
  )[0];
  return hit ?? null;
}

/** A graph file's path without its dtype suffix: `onnx/vision_encoder_q4.onnx` → `onnx/vision_encoder`. */
function graphStem(file: string): string {
  const v = variantOf(file);
  const stem = file.slice(0, -'.onnx'.length);
  return v === null ? stem : stem.slice(0, -(v.length + 1));
}

export interface BundleGraph {
  readonly session: GraphSession;
  readonly contract: GraphContract;
}

export interface ModelBundle {
  readonly dir: string;
  readonly name: string;
  /** Human label; the demo bundle says "demo (synthetic, not SAM 3)". */
  readonly label: string;
  readonly dtype: ModelDtype;
  readonly graphs: Partial<Record<GraphRole, BundleGraph>>;
  /** Path of the CLIP `tokenizer.json` when the bundle has one (needed for text prompts). */
  readonly tokenizerPath: string | null;
  /** The closed set of concept words the bundle declares it knows (manifest `vocabulary`); absent: open vocabulary. */
  readonly vocabulary?: readonly string[];
}

export interface BundleOptions extends SessionOptions {
  dtype?: ModelDtype;
  /** Select the concept decoder's kept queries inside the graph (default true; see kept-queries-graph.ts). */
  keptQueries?: boolean;
}

/**
 * The concept decoder reopened with its kept-query selection appended, on the provider the first open settled on;
 * as it was where the selection cannot be added or the modified graph does not open (with a warning).
 */
async function keptQueriesSession(file: string, session: GraphSession, options: BundleOptions): Promise<GraphSession> {
  const modified = withKeptQueries(await readFile(file));
  if (!modified) return session;
  try {
    const reopened = await GraphSession.open(file, { ...options, device: session.device }, modified);
    await session.release();
    return reopened;
  } catch (error) {
    options.onWarning?.(
      `${basename(file)}: kept-query selection not added (${(error as Error).message.split('\n')[0]})`,
    );
    return session;
  }
}

async function listOnnx(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['', 'onnx']) {
    let entries: string[];
    try {
      entries = await readdir(join(dir, sub));
    } catch {
      continue;
    }
    for (const e of entries) if (e.endsWith('.onnx')) out.push(join(dir, sub, e));
  }
  return out.sort();
}

/** The video memory tracker's roles: optional, so a variant more or a graph less never stops images. */
const TRACKER_ROLES: ReadonlySet<GraphRole> = new Set([
  'tracker-decoder',
  'tracker-decoder-singlemask',
  'memory-attention',
  'memory-encoder',
  'tracker-mask-pointer',
]);

/** The single-mask decoder that pairs with a decoder file: `image_decoder<suffix>` → `image_decoder_singlemask<suffix>`. */
const singleMaskName = (decoderLabel: string): string =>
  decoderLabel.replace(/^image_decoder/, 'image_decoder_singlemask');

/** Loads every graph of the chosen dtype in `dir` (and `dir/onnx`), refusing graphs that fit no contract. */
export async function loadModelBundle(dir: string, options: BundleOptions = {}): Promise<ModelBundle> {
  const dtype = options.dtype ?? 'fp32';
  const all = await listOnnx(dir);
  if (all.length === 0) {
    throw new SamError(
      'MODEL_NOT_FOUND',
      `No .onnx graphs in ${dir}; see the README section "Getting real weights" for the expected layout`,
      { field: 'model', received: dir },
    );
  }
  const wanted = SUFFIXES[dtype];
  const chosen = all.filter((f) => {
    const v = variantOf(f);
    return dtype === 'fp32' ? v === null : v !== null && wanted.includes(v);
  });
  // A graph published only in float32 serves every dtype (the q4 tracker release pairs its q4 vision encoder with
  // the float32 decoder): a float32 file joins when no file of the chosen dtype has its name.
  const covered = new Set(chosen.map(graphStem));
  const files =
    chosen.length === 0
      ? chosen
      : [...chosen, ...all.filter((f) => variantOf(f) === null && !covered.has(graphStem(f)))];
  if (files.length === 0) {
    throw new SamError(
      'MODEL_NOT_FOUND',
      `No ${dtype} graphs in ${dir} (found: ${all.map((f) => basename(f)).join(', ')})`,
      { field: 'dtype', received: dtype },
    );
  }
  const graphs: Partial<Record<GraphRole, BundleGraph>> = {};
  for (const file of files) {
    let session = await GraphSession.open(file, options);
    let contract: GraphContract;
    try {
      contract = detectContract(session.signature, basename(file));
    } catch (error) {
      // A variant of a tracker graph with inputs of its own (the exporter's mask-prompt decoder, `mask_inputs`) is
      // left out with a warning; any other graph that fits no contract still refuses the bundle.
      const role = error instanceof SamError ? error.details.role : undefined;
      if (typeof role === 'string' && TRACKER_ROLES.has(role as GraphRole)) {
        options.onWarning?.(`${basename(file)} is not used: ${(error as SamError).message}`);
        await session.release();
        continue;
      }
      throw error;
    }
    if (contract.role === 'pcs-decoder' && options.keptQueries !== false)
      session = await keptQueriesSession(file, session, options);
    if (TRACKER_ROLES.has(contract.role) && options.optimizationLevel !== 'basic') {
      // The tracker graphs' exporter warns that ORT's full optimisations change their outputs: basic ones only.
      await session.release();
      // On the provider the first open settled on, so a fallback is not warned about twice.
      session = await GraphSession.open(file, { ...options, device: session.device, optimizationLevel: 'basic' });
    }
    // The exporter's single-mask-token decoder fits the decoder contract too: it has a role of its own.
    const role: GraphRole =
      contract.role === 'tracker-decoder' && basename(file).startsWith('image_decoder_singlemask')
        ? 'tracker-decoder-singlemask'
        : contract.role;
    const previous = graphs[role];
    const primaryLabel = graphs['tracker-decoder']?.session.label;
    if (
      previous &&
      role === 'tracker-decoder-singlemask' &&
      primaryLabel &&
      basename(file) === singleMaskName(primaryLabel)
    ) {
      // The single-mask decoder of the decoder in use replaces one of another profile found first.
      options.onWarning?.(
        `${previous.session.label} also fits the ${contract.source} contract; using ${basename(file)}`,
      );
      await previous.session.release();
      graphs[role] = { session, contract };
      continue;
    }
    if (previous && TRACKER_ROLES.has(role)) {
      // The exporter writes several variants of the tracker graphs (single/multi profiles, single-mask and
      // mask-prompt decoders): the first in name order serves, the others are left closed; images are unaffected.
      options.onWarning?.(
        `${basename(file)} also fits the ${contract.source} contract; using ${previous.session.label} and ignoring it`,
      );
      await session.release();
      continue;
    }
    if (previous) {
      throw new SamError(
        'MODEL_CONTRACT_MISMATCH',
        `Two graphs in ${dir} fit the ${contract.source} contract: ${previous.session.label} and ${file}`,
        { field: 'model' },
      );
    }
    graphs[role] = { session, contract };
  }
  const single = graphs['tracker-decoder-singlemask'];
  const primary = graphs['tracker-decoder'];
  if (single && (!primary || single.session.label !== singleMaskName(primary.session.label))) {
    options.onWarning?.(
      `${single.session.label} is not used: it pairs with no decoder in use (${primary ? `expected ${singleMaskName(primary.session.label)}` : 'none'})`,
    );
    await single.session.release();
    delete graphs['tracker-decoder-singlemask'];
  }
  let name = basename(dir);
  let label = name;
  let vocabulary: readonly string[] | undefined;
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      name?: string;
      label?: string;
      vocabulary?: unknown;
    };
    name = manifest.name ?? name;
    label = manifest.label ?? name;
    if (Array.isArray(manifest.vocabulary) && manifest.vocabulary.every((w) => typeof w === 'string')) {
      vocabulary = manifest.vocabulary as string[];
    }
  } catch {
    // a hand-made bundle may have no manifest
  }
  let tokenizerPath: string | null = join(dir, 'tokenizer.json');
  try {
    await access(tokenizerPath);
  } catch {
    tokenizerPath = null;
  }
  return { dir, name, label, dtype, graphs, tokenizerPath, ...(vocabulary ? { vocabulary } : {}) };
}
