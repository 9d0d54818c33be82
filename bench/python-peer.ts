// The Python peer of the host benchmarks (bench/host_peer.py: PIL, cv2, pycocotools) as a long-lived child process
// answering one JSON line per command, so a runner can alternate it with ours without process start-up costs.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export class Peer {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ReturnType<typeof spawn>) {
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }
  static async start(python: string): Promise<Peer | string> {
    const child = spawn(python, [join(import.meta.dirname, 'host_peer.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const failed = new Promise<string>((resolve) => {
      child.once('error', (e) => resolve(e.message));
      child.once('exit', () => resolve(stderr.trim().split('\n').pop() ?? 'exited'));
    });
    const peer = new Peer(child);
    const ready = peer.ask({ cmd: 'ping' }).then(() => peer);
    return Promise.race([ready, failed]);
  }
  async ask<T>(command: Record<string, unknown>): Promise<T> {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the peer exited');
    return JSON.parse(value as string) as T;
  }
  close(): void {
    this.child.stdin!.end();
  }
}
