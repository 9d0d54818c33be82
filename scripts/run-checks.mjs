// Runs the static checks of `npm test` side by side (typecheck, lint, format, dependency rules): each is one process
// that mostly uses one core, so on the 2-core CI machine together they take about as long as the slowest. Each
// check's output is printed whole when it ends; the exit code is non-zero when any check failed.
import { spawn } from 'node:child_process';

const checks = process.argv.slice(2);
const results = await Promise.all(
  checks.map(
    (name) =>
      new Promise((resolve) => {
        const started = Date.now();
        const child = spawn('npm', ['run', '-s', name], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('close', (code) => {
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          process.stdout.write(`${code === 0 ? '✔' : '✖'} ${name} (${seconds} s)\n${output}`);
          resolve(code === 0);
        });
      }),
  ),
);
process.exit(results.every(Boolean) ? 0 : 1);
