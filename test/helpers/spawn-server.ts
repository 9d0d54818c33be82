// Starts the real `sam3 serve` as a child process (through tsx, no build needed) and waits for /readyz.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_MODEL_ROOT } from './demo-bundles.js';

export interface RunningServer {
  url: string;
  child: ChildProcess;
  logs: () => string;
  stop(): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export const CLI = ['--import', 'tsx', join(process.cwd(), 'src', 'cli', 'main.ts')];
export const E2E_CACHE_DIR = join(TEST_MODEL_ROOT, 'e2e');

/** Waits for /readyz (default) or, with `waitFor: 'alive'`, only for /healthz. */
export async function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
  readyTimeoutMs = 90_000,
  waitFor: 'ready' | 'alive' = 'ready',
  fixedPort?: number,
): Promise<RunningServer> {
  const port = fixedPort ?? (await freePort());
  const model = args.includes('--model') ? [] : ['--model', 'demo'];
  const child = spawn(process.execPath, [...CLI, 'serve', '--port', String(port), ...model, ...args], {
    // A fresh data dir (job database, files) per server unless the test names one (restart tests reuse theirs).
    env: {
      ...process.env,
      SAM3_CACHE_DIR: E2E_CACHE_DIR,
      SAM3_LOG_LEVEL: 'warn',
      SAM3_DATA_DIR: mkdtempSync(join(tmpdir(), 'sam3-data-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sam3 serve exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/${waitFor === 'ready' ? 'readyz' : 'healthz'}`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sam3 serve was not ready after ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    logs: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface RunningWorker {
  child: ChildProcess;
  logs: () => string;
  /** Resolves once the log contains `text` (or rejects after `timeoutMs`). */
  waitForLog(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts the real `sam3 worker` on the demo model as a child process. */
export function startWorker(args: string[], env: Record<string, string> = {}): RunningWorker {
  const child = spawn(process.execPath, [...CLI, 'worker', '--model', 'demo', ...args], {
    env: { ...process.env, SAM3_CACHE_DIR: E2E_CACHE_DIR, SAM3_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer): void => {
    output += d.toString();
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logs: () => output,
    exited,
    async waitForLog(text, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      const found = (): boolean => (typeof text === 'string' ? output.includes(text) : text.test(output));
      while (!found()) {
        if (child.exitCode !== null) throw new Error(`sam3 worker exited with ${child.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`sam3 worker never logged ${String(text)}:\n${output}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
  };
}
