// A throwaway redis-server on a given port for tests that need their own (to stop it, or to keep others' keys out).
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts redis-server on 127.0.0.1:`port` without persistence; kill the child to stop it. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 300));
  return child;
}
