// Composition root: settings → the engine implementation. The only place that picks implementations.
import { join } from 'node:path';
import { writeDemoBundle } from './demo-model/write-demo-bundle.js';
import { LocalEngine } from './engine/local-engine.js';
import type { Device } from './model/ort/graph-session.js';
import type { ModelDtype } from './model/sam3/model-bundle.js';

export interface EngineSettings {
  /** A bundle directory, or "demo" for the generated synthetic bundle. */
  model: string;
  device: Device;
  dtype: ModelDtype;
  threads: number;
  cacheDir: string;
  onWarning?: (message: string) => void;
}

/** "demo" resolves to the generated bundle under the cache dir (built on first use); anything else is a path. */
export async function resolveModelDir(model: string, cacheDir: string): Promise<string> {
  if (model === 'demo') return writeDemoBundle(join(cacheDir, 'models', 'demo'));
  return model;
}

export async function createLocalEngine(s: EngineSettings): Promise<LocalEngine> {
  const modelDir = await resolveModelDir(s.model, s.cacheDir);
  return LocalEngine.create({ modelDir, device: s.device, dtype: s.dtype, intraOpThreads: s.threads, ...(s.onWarning ? { onWarning: s.onWarning } : {}) });
}
