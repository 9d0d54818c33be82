// The one place that talks to onnxruntime-node: creating sessions (with provider fallback) and running them.
import { basename, dirname } from 'node:path';
import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { SamError } from '../../domain/errors.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import type { GraphSignature } from '../sam3/manifest.js';

export type Device = 'cpu' | 'cuda' | 'tensorrt' | 'webgpu';

export interface SessionOptions {
  device?: Device;
  intraOpThreads?: number;
  /**
   * Let ONNX Runtime's intra-op threads spin between parallel sections (its own default). Off here: spinning threads
   * take the cores that decoding, resizing and mask encoding — or another process — need (BENCHMARKS.md: the
   * test suite's two processes on 2 cores ran faster without it; one process showed no cost).
   */
  spinning?: boolean;
  /** Called once per fallback, e.g. to log that CUDA was unavailable. */
  onWarning?: (message: string) => void;
  /** ORT graph optimisations (default 'all'); the video tracker graphs use 'basic', as their exporter advises. */
  optimizationLevel?: 'basic' | 'all';
}

export type Feeds = Record<string, ort.Tensor>;
export type Fetches = Record<string, ort.Tensor>;
export { ort };

/** An opened graph: its label (file), signature from metadata, the provider in use, and a checked `run`. */
export class GraphSession {
  private constructor(
    readonly label: string,
    readonly signature: GraphSignature,
    readonly device: Device,
    private readonly session: ort.InferenceSession,
    /** The ORT graph optimisation level it was opened with. */
    readonly optimizationLevel: 'basic' | 'all' = 'all',
  ) {}

  /** `bytes`: the graph as modified in memory; `path` still names it, must exist, and holds any external weights. */
  static async open(path: string, options: SessionOptions = {}, bytes?: Uint8Array): Promise<GraphSession> {
    try {
      await access(path);
    } catch (cause) {
      throw new SamError(
        'MODEL_NOT_FOUND',
        `Model graph ${path} does not exist or is not readable`,
        { field: 'model', received: path },
        { cause },
      );
    }
    const requested = options.device ?? 'cpu';
    const base: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: options.optimizationLevel ?? 'all' };
    // From bytes, external weights are found in the original's directory.
    const sessionConfig: Record<string, string> = {};
    if (bytes) sessionConfig.model_external_initializers_file_folder_path = dirname(path);
    if (!options.spinning) sessionConfig['intra_op.allow_spinning'] = '0'; // ORT's key session.intra_op.allow_spinning
    if (Object.keys(sessionConfig).length > 0) base.extra = { session: sessionConfig };
    if (options.intraOpThreads && options.intraOpThreads > 0) base.intraOpNumThreads = options.intraOpThreads;
    let session: ort.InferenceSession | undefined;
    let device: Device = requested;
    if (requested !== 'cpu') {
      try {
        const withCpu = { ...base, executionProviders: [requested, 'cpu'] };
        session = await (bytes
          ? ort.InferenceSession.create(bytes, withCpu)
          : ort.InferenceSession.create(path, withCpu));
      } catch (cause) {
        options.onWarning?.(
          `execution provider '${requested}' unavailable for ${path} (${(cause as Error).message.split('\n')[0]}); falling back to cpu`,
        );
        device = 'cpu';
      }
    }
    if (!session) {
      try {
        const cpu = { ...base, executionProviders: ['cpu'] };
        session = await (bytes ? ort.InferenceSession.create(bytes, cpu) : ort.InferenceSession.create(path, cpu));
      } catch (cause) {
        const first = (cause as Error).message.split('\n')[0];
        throw new SamError(
          'MODEL_LOAD_FAILED',
          `ONNX Runtime could not open ${path}: ${first}. Is the file complete (not truncated, external data next to it)?`,
          {
            field: 'model',
            received: path,
          },
          { cause },
        );
      }
    }
    return new GraphSession(basename(path), signatureOf(session), device, session, options.optimizationLevel ?? 'all');
  }

  /**
   * Runs with exactly the graph's inputs (extra feeds are dropped, missing ones refused), wrapping ORT errors.
   * `outputs`: only these outputs are copied back to JavaScript (default: all).
   */
  async run(feeds: Feeds, outputs?: readonly string[]): Promise<Fetches> {
    const inputs: Feeds = {};
    const halfInputs = new Set(this.signature.inputs.filter((i) => i.type === 'float16').map((i) => i.name));
    for (const name of this.session.inputNames) {
      const t = feeds[name];
      if (!t)
        throw new SamError('INFERENCE_FAILED', `${this.label}: no feed for graph input '${name}'`, { field: name });
      // float16 graph inputs take the host's float32 values converted at the boundary.
      inputs[name] =
        halfInputs.has(name) && t.type === 'float32'
          ? new ort.Tensor('float16', float32ToFloat16(t.data as Float32Array), t.dims)
          : t;
    }
    try {
      const out = (await (outputs ? this.session.run(inputs, [...outputs]) : this.session.run(inputs))) as Fetches;
      for (const [name, t] of Object.entries(out)) {
        if (t.type === 'float16')
          out[name] = new ort.Tensor('float32', float16ToFloat32(t.data as Uint16Array), t.dims);
      }
      return out;
    } catch (cause) {
      const dims = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, `${t.type}[${t.dims.join(',')}]`]));
      throw new SamError(
        'INFERENCE_FAILED',
        `${this.label}: ONNX Runtime failed: ${(cause as Error).message.split('\n')[0]}`,
        { inputs: dims },
        { cause },
      );
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function signatureOf(session: ort.InferenceSession): GraphSignature {
  const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
    list.map((m) => ({
      name: m.name,
      type: m.isTensor ? m.type : 'non-tensor',
      shape: m.isTensor ? [...m.shape] : [],
    }));
  return { inputs: meta(session.inputMetadata), outputs: meta(session.outputMetadata) };
}

/** Execution providers this onnxruntime-node build can use here (bundled) or could with extra libraries. */
export function listBackends(): Array<{ name: string; bundled: boolean }> {
  return ort.listSupportedBackends();
}
