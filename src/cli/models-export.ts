// `sam3 models export`: runs the Python exporter (tools/export/export_bundle.py) that traces a SAM 3 checkpoint into a
// complete bundle under the model directory, after checking that the Python it will use has what the export needs,
// and says exactly what to install or accept when something is missing; then verifies the bundle.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliCommand } from '../config/cli-command.js';
import { SamError } from '../domain/errors.js';

/** The exporter and its pinned requirements, beside src/ (a checkout) or dist/ (an installed package). */
export const EXPORT_TOOL_DIR = resolve(fileURLToPath(new URL('../../tools/export', import.meta.url)));
export const EXPORT_SCRIPT = join(EXPORT_TOOL_DIR, 'export_bundle.py');
export const EXPORT_REQUIREMENTS = join(EXPORT_TOOL_DIR, 'requirements.txt');

/** Sources that need no download: the real architecture at tiny widths with random weights (tests). */
export const TINY_SOURCE = 'tiny-random';
const PACKAGES = ['torch', 'transformers', 'onnx', 'onnxruntime', 'numpy'];

export interface ExportOptions {
  from: string;
  name?: string;
  weights: 'fp32' | 'fp16';
  python?: string;
  tokenizer?: string;
}

/** The bundle name an export is installed under. */
export function exportName(options: Pick<ExportOptions, 'from' | 'name'>): string {
  if (options.name) return options.name;
  return options.from === TINY_SOURCE ? 'sam3-tiny-random' : 'sam3-export';
}

function run(
  command: string,
  args: string[],
  inherit: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (error) => done({ code: -1, output: error.message }));
    child.on('close', (code) => done({ code: code ?? -1, output }));
  });
}

/** What the user must do to get a Python that can export, as one message. */
function setupHint(python: string, missing: string): string {
  const venv = '.venv-export';
  return [
    `The exporter needs Python 3.10+ with ${PACKAGES.join(', ')} (pinned in ${EXPORT_REQUIREMENTS}); ${missing}.`,
    `Set one up: python3 -m venv ${venv} && ${venv}/bin/pip install -r ${EXPORT_REQUIREMENTS}`,
    `then: ${cliCommand()} models export --python ${venv}/bin/python (or set SAM3_PYTHON). Tried: ${python}`,
  ].join('\n');
}

/** Checks that `python` runs and imports every package the exporter needs. */
export async function checkExportPython(python: string): Promise<void> {
  const probe = `import importlib, sys\nmissing = []\nfor name in ${JSON.stringify(PACKAGES)}:\n    try:\n        importlib.import_module(name)\n    except Exception:\n        missing.append(name)\nprint(",".join(missing))\nsys.exit(1 if missing else 0)`;
  const { code, output } = await run(python, ['-c', probe], false);
  if (code === 0) return;
  const missing = code === -1 ? 'it did not start' : `it lacks ${output.trim().split('\n').at(-1) || 'some of them'}`;
  throw new SamError('MODEL_EXPORT_FAILED', setupHint(python, missing), { field: 'python' });
}

/** A line on what a hub download needs, or null for local and test sources. */
export function accessNote(source: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (source === TINY_SOURCE || existsSync(source)) return null;
  const page = `https://huggingface.co/${source}`;
  return env.HF_TOKEN
    ? `downloading ${source} with HF_TOKEN (its licence must be accepted on ${page})`
    : `${source} is gated: accept its licence on ${page}, create a read token, and set HF_TOKEN (or log in with \`hf auth login\`)`;
}

export async function runExport(
  options: ExportOptions,
  modelDir: string,
  print: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const python = options.python ?? env.SAM3_PYTHON ?? 'python3';
  if (!existsSync(EXPORT_SCRIPT))
    throw new SamError('MODEL_EXPORT_FAILED', `The exporter is not installed beside this program (${EXPORT_SCRIPT})`, {
      field: 'python',
    });
  await checkExportPython(python);
  const note = accessNote(options.from, env);
  if (note) print(note);
  const out = join(modelDir, exportName(options));
  print(`exporting ${options.from} (${options.weights} weights) to ${out}: every graph is checked against PyTorch`);
  const args = [EXPORT_SCRIPT, '--from', options.from, '--out', out, '--weights', options.weights];
  if (options.tokenizer) args.push('--tokenizer', options.tokenizer);
  const { code } = await run(python, args, true, env);
  if (code !== 0)
    throw new SamError(
      'MODEL_EXPORT_FAILED',
      `The exporter stopped (exit code ${code}); its output above says where. ${note ?? ''}`.trim(),
      { field: 'from', received: options.from },
    );
  return exportName(options);
}
