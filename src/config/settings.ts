// Every SAM3_* environment variable, declared once with its description and default; the only reader of process.env.

export interface SettingSpec {
  readonly env: string;
  readonly description: string;
  readonly defaultValue: string;
}

export const SETTINGS = {
  model: { env: 'SAM3_MODEL', description: 'Model bundle directory, or "demo" for the built-in synthetic model.', defaultValue: 'demo' },
  device: { env: 'SAM3_DEVICE', description: 'Execution provider: cpu, cuda, tensorrt or webgpu (falls back to cpu with a warning).', defaultValue: 'cpu' },
  dtype: { env: 'SAM3_DTYPE', description: 'Weight variant to load: fp32, fp16, q8, q4, q4f16, bnb4.', defaultValue: 'fp32' },
  threads: { env: 'SAM3_THREADS', description: 'ONNX Runtime intra-op threads (0 = its default).', defaultValue: '0' },
  cacheDir: { env: 'SAM3_CACHE_DIR', description: 'Where generated and downloaded models are kept.', defaultValue: '~/.cache/sam3-server' },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

/** Resolved settings: environment value or default, with `~` expanded in paths. */
export function readSettings(env: Record<string, string | undefined> = process.env): Record<SettingName, string> {
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  const out = {} as Record<SettingName, string>;
  for (const [name, spec] of Object.entries(SETTINGS) as Array<[SettingName, SettingSpec]>) {
    const value = env[spec.env] ?? spec.defaultValue;
    out[name] = value.startsWith('~/') ? `${home}${value.slice(1)}` : value;
  }
  return out;
}
