// Runs a child process to completion with a time limit and an AbortSignal, collecting stdout and a bounded stderr.
import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last 64 KiB of stderr. */
  stderr: string;
}

const STDERR_KEEP = 64 * 1024;

/** Keeps the tail of a stream of text. */
export class TextTail {
  private text = '';
  constructor(private readonly keepChars = STDERR_KEEP) {}
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * this.keepChars) this.text = this.text.slice(-this.keepChars);
  }
  get value(): string {
    return this.text.slice(-this.keepChars);
  }
}

/** The last meaningful stderr line, for error messages ("moov atom not found"). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines.at(-1) ?? '(no message)';
}

export function runProcess(
  file: string,
  args: readonly string[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err = new TextTail();
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: err.value }));
  });
}
