// Every SAM3_* setting, declared once with its default, type and description; the only reader of process.env.
// CLI flags arrive as overrides and go through the same parsing, so a bad value is reported the same way.

export interface SettingSpec<T> {
  readonly env: string;
  readonly description: string;
  readonly defaultValue: string;
  /** Human form of what is expected, for error messages and the generated docs. */
  readonly type: string;
  readonly parse: (raw: string) => T | undefined;
  /** Another variable read when `env` is unset (the lowercase proxy variables). */
  readonly alias?: string;
}

const setting = <T>(
  env: string,
  defaultValue: string,
  type: string,
  parse: (raw: string) => T | undefined,
  description: string,
): SettingSpec<T> => ({
  env,
  defaultValue,
  type,
  parse,
  description,
});

const text = (raw: string): string => raw;
const integer =
  (min: number) =>
  (raw: string): number | undefined =>
    /^-?\d+$/.test(raw.trim()) && Number(raw) >= min ? Number(raw) : undefined;
const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T | undefined =>
    values.includes(raw as T) ? (raw as T) : undefined;

export const SETTINGS = {
  model: setting(
    'SAM3_MODEL',
    'sam3',
    'catalogue name, path or "demo"',
    text,
    'Model to serve: a catalogue name installed by `sam3 models pull` (sam3, sam3-tracker), a bundle directory, or "demo" for the built-in synthetic model (not SAM 3; for trying the server and for tests).',
  ),
  device: setting(
    'SAM3_DEVICE',
    'cpu',
    'cpu|cuda|tensorrt|webgpu',
    oneOf('cpu', 'cuda', 'tensorrt', 'webgpu'),
    'Execution provider; falls back to cpu with a warning when unavailable.',
  ),
  dtype: setting(
    'SAM3_DTYPE',
    'fp32',
    'fp32|fp16|q8|q4|q4f16|bnb4',
    oneOf('fp32', 'fp16', 'q8', 'q4', 'q4f16', 'bnb4'),
    'Weight variant to load (file-name suffix of the published exports).',
  ),
  resizeThreads: setting(
    'SAM3_RESIZE_THREADS',
    'auto',
    'auto or integer 0–16',
    (raw) => (raw === 'auto' ? -1 : ((n) => (n !== undefined && n <= 16 ? n : undefined))(integer(0)(raw))),
    "Worker threads for the PIL-exact model-input resize (auto: up to 4 on machines with 4 cores or more, none below; 0 = on the request's thread).",
  ),
  threads: setting('SAM3_THREADS', '0', 'integer ≥ 0', integer(0), 'ONNX Runtime intra-op threads (0 = its default).'),
  ortSpinning: setting(
    'SAM3_ORT_SPINNING',
    'off',
    'on|off',
    oneOf('on', 'off'),
    "ONNX Runtime's intra-op threads spinning between parallel sections (its default is on). off leaves the cores to decoding, resizing, mask encoding and other processes; on the 2-core CI machine the test suite (two processes running graphs) took 306–321 s instead of 380–398 s, and a single process on the demo model showed no cost (BENCHMARKS.md).",
  ),
  cacheDir: setting(
    'SAM3_CACHE_DIR',
    '~/.cache/sam3-server',
    'path',
    text,
    'Where generated and downloaded models are kept.',
  ),
  modelDir: setting(
    'SAM3_MODEL_DIR',
    '~/.cache/sam3-server/models',
    'path',
    text,
    'Where `sam3 models pull` installs bundles; `--model NAME` finds them here.',
  ),
  hfEndpoint: setting(
    'HF_ENDPOINT',
    'https://huggingface.co',
    'URL',
    text,
    'Hugging Face endpoint or mirror used by `sam3 models pull`.',
  ),
  hfToken: setting(
    'HF_TOKEN',
    '',
    'token',
    text,
    'Hugging Face access token, for bundles from gated repositories only (the catalogue needs none); sent only to HF_ENDPOINT.',
  ),
  dataDir: setting(
    'SAM3_DATA_DIR',
    '~/.local/share/sam3-server',
    'path',
    text,
    'Where the server keeps its state (job database, results).',
  ),
  host: setting(
    'SAM3_HOST',
    '127.0.0.1',
    'address',
    text,
    'Address to listen on. Loopback by default; binding elsewhere without API keys prints a warning.',
  ),
  port: setting(
    'SAM3_PORT',
    '8080',
    'integer 0–65535',
    (raw) => {
      const n = integer(0)(raw);
      return n !== undefined && n <= 65535 ? n : undefined;
    },
    'TCP port to listen on (0 = any free port).',
  ),
  apiKeys: setting(
    'SAM3_API_KEYS',
    '',
    'comma-separated keys',
    list,
    'API keys; when any is set, every route except /healthz and /readyz needs one (Authorization: Bearer KEY).',
  ),
  allowedHosts: setting(
    'SAM3_ALLOWED_HOSTS',
    '',
    'comma-separated host names, or *',
    list,
    'Without API keys, the Host names the server answers besides loopback names and IP addresses (a guard against DNS rebinding); e.g. sam3.internal.',
  ),
  allowedOrigins: setting(
    'SAM3_ALLOWED_ORIGINS',
    '',
    'comma-separated origins, or *',
    (raw) => {
      const origins = list(raw);
      return origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)) ? origins : undefined;
    },
    'Without API keys, web pages of these origins (https://tool.example) may send requests that change things; others are refused (403), so a page the operator visits cannot drive the server.',
  ),
  logLevel: setting(
    'SAM3_LOG_LEVEL',
    'info',
    'fatal|error|warn|info|debug|trace|silent',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    'Log level of the request and event log.',
  ),
  labelStudioUrl: setting(
    'SAM3_LABEL_STUDIO_URL',
    '',
    'URL',
    (raw) => (raw === '' || /^https?:\/\/[^\s]+$/.test(raw) ? raw : undefined),
    "Label Studio's address (http://label-studio:8080): task images given as Label Studio file paths (/data/upload/…) are fetched from it, with SAM3_LABEL_STUDIO_TOKEN; its network must be allowed by SAM3_URL_ALLOW_NETWORKS when private.",
  ),
  labelStudioToken: setting(
    'SAM3_LABEL_STUDIO_TOKEN',
    '',
    'token',
    text,
    'A Label Studio access token (Account & Settings), sent as "Authorization: Token …" to SAM3_LABEL_STUDIO_URL only.',
  ),
  cvatLabels: setting(
    'SAM3_CVAT_LABELS',
    '',
    'comma-separated labels',
    list,
    'Labels of the CVAT detector function (each a SAM 3 concept prompt, e.g. person, car); empty: only the CVAT interactor is offered.',
  ),
  logFormat: setting(
    'SAM3_LOG_FORMAT',
    'auto',
    'auto|json|pretty',
    oneOf('auto', 'json', 'pretty'),
    'Log lines as JSON (for collectors) or pretty (one readable, coloured line per event); auto is pretty when stdout is a terminal, JSON otherwise.',
  ),
  maxBodyBytes: setting(
    'SAM3_MAX_BODY_BYTES',
    String(72 * 1024 * 1024),
    'integer bytes',
    integer(1024),
    'Largest accepted request body (a 50 MiB image is about 67 MiB as base64).',
  ),
  maxImageBytes: setting(
    'SAM3_MAX_IMAGE_BYTES',
    String(50 * 1024 * 1024),
    'integer bytes',
    integer(1),
    'Largest encoded image, from any source.',
  ),
  maxImagePixels: setting(
    'SAM3_MAX_IMAGE_PIXELS',
    String(8192 * 8192),
    'integer pixels',
    integer(1),
    'Largest decoded image (width × height), checked from the header before decoding.',
  ),
  maxPrompts: setting(
    'SAM3_MAX_PROMPTS',
    '16',
    'integer ≥ 1',
    integer(1),
    'Most prompts in one request (Roboflow SAM3_MAX_PROMPT_BATCH_SIZE).',
  ),
  requestTimeoutMs: setting(
    'SAM3_REQUEST_TIMEOUT_MS',
    '120000',
    'integer ms',
    integer(1),
    'Deadline of one synchronous request, queueing included; past it the answer is 504.',
  ),
  bodyTimeoutMs: setting(
    'SAM3_BODY_TIMEOUT_MS',
    '120000',
    'integer ms ≥ 1000',
    integer(1000),
    'Time a client has to send a whole request, body included; a connection still sending after it is closed with 408 (slow-body guard). Raise it for large uploads over slow links.',
  ),
  concurrency: setting(
    'SAM3_CONCURRENCY',
    '1',
    'integer ≥ 1',
    integer(1),
    'Inference requests run at once (each uses SAM3_THREADS threads).',
  ),
  maxQueued: setting(
    'SAM3_MAX_QUEUED',
    '16',
    'integer ≥ 0',
    integer(0),
    'Requests allowed to wait for inference; beyond that the answer is 503 with Retry-After.',
  ),
  embeddingCacheMb: setting(
    'SAM3_EMBEDDING_CACHE_MB',
    '2048',
    'integer MiB',
    integer(0),
    'Memory budget of the image-embedding cache (LRU by bytes).',
  ),
  urlTimeoutMs: setting(
    'SAM3_URL_TIMEOUT_MS',
    '15000',
    'integer ms',
    integer(1),
    'Time limit for fetching one image URL, redirects included.',
  ),
  urlAllowNetworks: setting(
    'SAM3_URL_ALLOW_NETWORKS',
    '',
    'comma-separated CIDRs',
    (raw) => {
      const nets = list(raw);
      return nets.every((n) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(n)) ? nets : undefined;
    },
    'Networks image URLs may reach although private or loopback (e.g. 10.20.0.0/16); none by default.',
  ),
  publicUrl: setting(
    'SAM3_PUBLIC_URL',
    '',
    'absolute http(s) URL',
    (raw) => (raw === '' || /^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(raw) ? raw.replace(/\/+$/, '') : undefined),
    'Base URL clients reach this server at (behind a proxy); links in job outputs and webhooks use it. Empty = the URL of each request.',
  ),
  jobConcurrency: setting(
    'SAM3_JOB_CONCURRENCY',
    '1',
    'integer ≥ 1',
    integer(1),
    'Async image jobs run at once (each also takes a slot of SAM3_CONCURRENCY).',
  ),
  jobMaxAttempts: setting(
    'SAM3_JOB_MAX_ATTEMPTS',
    '3',
    'integer ≥ 1',
    integer(1),
    'Runs one job may start, counting runs cut short by a crash; then it fails with JOB_INTERRUPTED.',
  ),
  retentionHours: setting(
    'SAM3_RETENTION_HOURS',
    '24',
    'integer hours ≥ 1',
    integer(1),
    'How long job records, their output files and uploads are kept after they finish.',
  ),
  syncTimeoutMs: setting(
    'SAM3_SYNC_TIMEOUT_MS',
    '60000',
    'integer ms',
    integer(1),
    'How long enable_sync_mode waits for a job before answering it is still processing.',
  ),
  maxUploadBytes: setting(
    'SAM3_MAX_UPLOAD_BYTES',
    String(200 * 1024 * 1024),
    'integer bytes',
    integer(1),
    'Largest file accepted by /api/v3/media/uploads.',
  ),
  maxVideoSeconds: setting(
    'SAM3_MAX_VIDEO_SECONDS',
    '900',
    'integer seconds',
    integer(1),
    'Longest video accepted (checked from its metadata before decoding).',
  ),
  maxVideoSidePx: setting(
    'SAM3_MAX_VIDEO_SIDE_PX',
    '4096',
    'integer pixels',
    integer(16),
    'Largest video width or height (after rotation).',
  ),
  maxVideoFrames: setting(
    'SAM3_MAX_VIDEO_FRAMES',
    '30000',
    'integer ≥ 1',
    integer(1),
    'Most frames one video may have processed (after fps subsampling and max_frames).',
  ),
  videoJobConcurrency: setting(
    'SAM3_VIDEO_JOB_CONCURRENCY',
    '1',
    'integer ≥ 1',
    integer(1),
    'Video jobs run at once; each frame also takes a slot of SAM3_CONCURRENCY, so image requests interleave.',
  ),
  maxSessions: setting(
    'SAM3_MAX_SESSIONS',
    '8',
    'integer ≥ 1',
    integer(1),
    'Interactive video sessions held at once; creating one more answers 503 SESSION_LIMIT.',
  ),
  sessionMemoryMb: setting(
    'SAM3_SESSION_MEMORY_MB',
    '512',
    'integer MiB ≥ 1',
    integer(1),
    "Memory budget of one video session (its stored masks and, while propagating, the tracker's memory bank).",
  ),
  sessionTtlS: setting(
    'SAM3_SESSION_TTL_S',
    '900',
    'integer seconds ≥ 1',
    integer(1),
    'An idle video session is closed, and its files deleted, this long after its last use.',
  ),
  sessionMaxFrames: setting(
    'SAM3_SESSION_MAX_FRAMES',
    '1800',
    'integer ≥ 1',
    integer(1),
    'Most frames a video session may hold; each is kept on local disk at model resolution (R×R×3 bytes, 3 MB at 1008).',
  ),
  ffmpegPath: setting(
    'SAM3_FFMPEG_PATH',
    '',
    'path',
    text,
    'ffmpeg binary for video; empty = ffmpeg on PATH, else the optional npm package @ffmpeg-installer/ffmpeg.',
  ),
  ffprobePath: setting(
    'SAM3_FFPROBE_PATH',
    '',
    'path',
    text,
    'ffprobe binary; empty = ffprobe on PATH, else the optional npm package @ffprobe-installer/ffprobe.',
  ),
  queue: setting(
    'SAM3_QUEUE',
    '',
    'empty or redis://[user:pass@]host[:port][/db]',
    (raw) => (raw === '' || /^rediss?:\/\/[^\s/]+(\/\d{1,2})?$/.test(raw) ? raw : undefined),
    'Scale-out: the Redis that carries jobs (BullMQ), records and events. Empty = embedded mode (SQLite, in-process). With it, `sam3 serve` is an API node that runs no model (unless --work) and `sam3 worker` processes jobs.',
  ),
  queuePrefix: setting(
    'SAM3_QUEUE_PREFIX',
    'sam3',
    'letters, digits, - and _',
    (raw) => (/^[A-Za-z0-9_-]{1,64}$/.test(raw) ? raw : undefined),
    'Prefix of every Redis key of one deployment; API nodes and workers must agree. Two deployments can share one Redis with different prefixes.',
  ),
  filesDir: setting(
    'SAM3_FILES_DIR',
    '',
    'path',
    text,
    'Where job inputs, outputs and uploads are stored; empty = <SAM3_DATA_DIR>/files. In scale-out mode every API node and worker must see the same directory (a shared volume: NFS, EFS, a bind mount).',
  ),
  kinds: setting(
    'SAM3_WORKER_KINDS',
    'image,video',
    'comma-separated of image, video',
    (raw) => {
      const kinds = list(raw);
      return kinds.length > 0 && kinds.every((k) => k === 'image' || k === 'video')
        ? (kinds as Array<'image' | 'video'>)
        : undefined;
    },
    'Job kinds a `sam3 worker` takes; a worker taking image also answers synchronous /v1/segment and Roboflow calls.',
  ),
  queueLockMs: setting(
    'SAM3_QUEUE_LOCK_MS',
    '30000',
    'integer ms ≥ 1000',
    integer(1000),
    'Scale-out: a worker renews the lock of each running job within this time; a worker silent for longer (killed, frozen) is taken as dead and its job handed to another worker.',
  ),
  shutdownGraceMs: setting(
    'SAM3_SHUTDOWN_GRACE_MS',
    '30000',
    'integer ms',
    integer(0),
    'On SIGTERM a worker lets running jobs finish for this long, then hands the rest back to the queue.',
  ),
  webhookTimeoutMs: setting(
    'SAM3_WEBHOOK_TIMEOUT_MS',
    '10000',
    'integer ms',
    integer(1),
    'Time limit of one webhook delivery attempt; failed deliveries are retried 5 times with backoff.',
  ),
  gcConcurrentMarking: setting(
    'SAM3_GC_CONCURRENT_MARKING',
    'on',
    'on|off',
    oneOf('on', 'off'),
    "V8's concurrent marking (garbage collection on helper threads). off leaves the cores to ONNX Runtime, ffmpeg and the decoding thread: on 2 cores the video pipeline's host work ran 15–35 % faster, but garbage was reclaimed later and peak memory rose by up to 80 % (BENCHMARKS.md), so on (V8's default) stays the default.",
  ),
  autoPull: setting(
    'SAM3_AUTO_PULL',
    '0',
    '0|1',
    (raw) => (raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : undefined),
    'Before loading a catalogue model that is not installed, download it (`sam3 serve --pull`; `npm start` sets it). Progress goes to the log and /readyz.',
  ),
  httpsProxy: {
    ...setting('HTTPS_PROXY', '', 'URL', text, 'Proxy for https model downloads (also read from https_proxy).'),
    alias: 'https_proxy',
  },
  httpProxy: {
    ...setting('HTTP_PROXY', '', 'URL', text, 'Proxy for http model downloads (also read from http_proxy).'),
    alias: 'http_proxy',
  },
  noProxy: {
    ...setting(
      'NO_PROXY',
      '',
      'comma-separated hosts',
      text,
      'Hosts model downloads reach directly, bypassing the proxy (also read from no_proxy).',
    ),
    alias: 'no_proxy',
  },
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: NonNullable<ReturnType<(typeof SETTINGS)[K]['parse']>> };

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
  }
}

/**
 * Resolves every setting from, in order: `overrides` (CLI flags), the environment, the default. `~/` is expanded in
 * paths. Reports every bad value at once.
 */
export function readSettings(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<SettingName, string>> = {},
): Settings {
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(SETTINGS) as Array<[SettingName, SettingSpec<unknown>]>) {
    const fromFlag = overrides[name];
    const raw = fromFlag ?? env[spec.env] ?? (spec.alias ? env[spec.alias] : undefined) ?? spec.defaultValue;
    const value = spec.parse(raw.startsWith('~/') ? `${home}${raw.slice(1)}` : raw);
    if (value === undefined)
      problems.push(
        `${fromFlag !== undefined ? `--${kebab(name)}` : spec.env}: expected ${spec.type} but received ${JSON.stringify(raw)}`,
      );
    else out[name] = value;
  }
  if (problems.length) throw new SettingsError(problems);
  return out as Settings;
}

export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** docs/configuration.md, generated from SETTINGS (a test keeps the committed file in step). */
export function configurationMarkdown(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const rows = Object.values(SETTINGS).map(
    (s: SettingSpec<unknown>) =>
      `| \`${s.env}\` | \`${s.defaultValue || '(empty)'}\` | ${cell(s.type)} | ${cell(s.description)} |`,
  );
  return [
    '# Configuration',
    '',
    'Generated from `src/config/settings.ts` by `npm run docs:generate`; do not edit by hand.',
    'Every setting is an environment variable. `sam3 serve` also takes the most used ones as flags (`npx sam3 serve --help` lists them: `--port`, `--host`, `--model`, `--api-key`, …); a flag wins over the environment.',
    '',
    '| Variable | Default | Type | Meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
