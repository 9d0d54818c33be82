// The model catalogue: named bundles and, per dtype, each file's source (a Hugging Face repository path or a
// GitHub release asset). Hashes are not pinned here: Hugging Face publishes each LFS file's SHA-256 (x-linked-etag),
// which every download is checked against; files without a published hash get theirs recorded at install time.
export type FileSource = { kind: 'hf'; repo: string; path: string; revision?: string } | { kind: 'url'; url: string };

export interface CatalogueFile {
  /** Path inside the installed bundle directory. */
  path: string;
  source: FileSource;
  /** Optional pinned SHA-256 (hex). */
  sha256?: string;
}

export interface CatalogueBundle {
  name: string;
  label: string;
  description: string;
  dtypes: readonly string[];
  files(dtype: string): CatalogueFile[];
}

const TRACKER_REPO = 'onnx-community/sam3-tracker-ONNX';
const TRACKER_SUFFIX: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};
const USLS_RELEASE = 'https://github.com/jamjamjon/assets/releases/download/sam3';
const USLS_SUFFIX: Record<string, string> = { fp32: '', fp16: '-fp16', q8: '-q8', q4f16: '-q4f16' };

/**
 * The tracker graphs of a dtype. The q4 release is published as a q4 vision encoder used with the float32 decoder
 * (what its consumers download: no q4 decoder weights are in evidence), so q4 takes the float32 decoder.
 */
function trackerFiles(dtype: string): CatalogueFile[] {
  const sfx = TRACKER_SUFFIX[dtype] ?? '';
  const suffixes: Record<string, string> = {
    vision_encoder: sfx,
    prompt_encoder_mask_decoder: dtype === 'q4' ? '' : sfx,
  };
  return Object.entries(suffixes).flatMap(([graph, s]) => [
    {
      path: `onnx/${graph}${s}.onnx`,
      source: { kind: 'hf' as const, repo: TRACKER_REPO, path: `onnx/${graph}${s}.onnx` },
    },
    {
      path: `onnx/${graph}${s}.onnx_data`,
      source: { kind: 'hf' as const, repo: TRACKER_REPO, path: `onnx/${graph}${s}.onnx_data` },
    },
  ]);
}

function conceptFiles(dtype: string): CatalogueFile[] {
  const sfx = USLS_SUFFIX[dtype] ?? '';
  return [
    ...['vision-encoder', 'text-encoder', 'geo-encoder-mask-decoder'].map((graph) => ({
      path: `${graph}${sfx}.onnx`,
      source: { kind: 'url' as const, url: `${USLS_RELEASE}/${graph}${sfx}.onnx` },
    })),
    // The CLIP tokenizer the concept graphs were exported with, published in the same release (no account needed;
    // facebook/sam3's copy is gated).
    { path: 'tokenizer.json', source: { kind: 'url', url: `${USLS_RELEASE}/tokenizer.json` } },
  ];
}

export const CATALOGUE: readonly CatalogueBundle[] = [
  {
    name: 'sam3',
    label: 'SAM 3',
    description:
      'text, exemplar, point and box prompts: the usls v2 concept graphs and their CLIP tokenizer + the onnx-community tracker graphs (no account needed)',
    dtypes: ['fp32', 'fp16', 'q8', 'q4f16'],
    files: (dtype) => [...conceptFiles(dtype), ...trackerFiles(dtype)],
  },
  {
    name: 'sam3-tracker',
    label: 'SAM 3 tracker (points and boxes only)',
    description: 'point and box prompts only: the onnx-community tracker graphs (no gated files)',
    dtypes: ['fp32', 'fp16', 'q8', 'q4', 'q4f16'],
    files: trackerFiles,
  },
];

/** The URL of a file, with the Hugging Face endpoint overridable (HF_ENDPOINT, a mirror). */
export function sourceUrl(source: FileSource, hfEndpoint: string): string {
  if (source.kind === 'url') return source.url;
  return `${hfEndpoint.replace(/\/+$/, '')}/${source.repo}/resolve/${source.revision ?? 'main'}/${source.path}`;
}

export function describeSource(source: FileSource): string {
  return source.kind === 'hf'
    ? `Hugging Face repository ${source.repo} (https://huggingface.co/${source.repo})`
    : `GitHub release asset ${source.url}`;
}
