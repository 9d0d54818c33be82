// The command a user types to run this CLI, for hints in messages: `sam3` where that name on the user's PATH is this
// program (a global install or `npm link`), `npx sam3` otherwise (a checkout after `npm ci`).
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Resolves a path through its links; undefined when it does not exist. */
function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * `sam3` when a `sam3` on PATH leads to `self` (this program's entry script); `npx sam3` otherwise. The
 * `node_modules/.bin` folders npm adds to PATH for `npm start` do not count: the user's own shell lacks them.
 */
export function resolveCliCommand(path: string | undefined, self: string | undefined): string {
  const target = self ? real(self) : undefined;
  if (!target) return 'npx sam3';
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || /node_modules[\\/]\.bin[\\/]?$/.test(dir)) continue;
    const candidate = join(dir, 'sam3');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    return real(candidate) === target ? 'sam3' : 'npx sam3';
  }
  return 'npx sam3';
}

let cached: string | undefined;

/** This process's answer, worked out once. */
export function cliCommand(): string {
  cached ??= resolveCliCommand(process.env.PATH, process.argv[1]);
  return cached;
}
