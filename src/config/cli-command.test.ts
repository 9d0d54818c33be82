// The command named in hints follows what the user can type: `sam3` only where their PATH leads to this program.
import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCliCommand } from './cli-command.js';

describe('resolveCliCommand', () => {
  it('says sam3 for a global install, npx sam3 for a checkout, an npm script or another sam3', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sam3-cli-name-'));
    const main = join(root, 'pkg', 'dist', 'cli', 'main.js');
    await mkdir(join(root, 'pkg', 'dist', 'cli'), { recursive: true });
    await writeFile(main, '#!/usr/bin/env node\n');
    await chmod(main, 0o755);
    const globalBin = join(root, 'global-bin');
    const npmBin = join(root, 'pkg', 'node_modules', '.bin');
    const otherBin = join(root, 'other-bin');
    for (const d of [globalBin, npmBin, otherBin]) await mkdir(d, { recursive: true });
    await symlink(main, join(globalBin, 'sam3'));
    await symlink(main, join(npmBin, 'sam3'));
    await writeFile(join(otherBin, 'sam3'), '#!/bin/sh\n');
    await chmod(join(otherBin, 'sam3'), 0o755);

    expect(resolveCliCommand([globalBin, '/usr/bin'].join(delimiter), main)).toBe('sam3');
    expect(resolveCliCommand('/usr/bin', main)).toBe('npx sam3');
    expect(resolveCliCommand([npmBin, '/usr/bin'].join(delimiter), main)).toBe('npx sam3');
    expect(resolveCliCommand([otherBin, globalBin].join(delimiter), main)).toBe('npx sam3');
    expect(resolveCliCommand(globalBin, undefined)).toBe('npx sam3');
  });
});
