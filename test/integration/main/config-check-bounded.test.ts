// `runnerbot config check` as a real process, given secret files that are not small regular files:
// /dev/zero once grew the process to 17 GB, and a 300 MB file was accepted. Each is refused by name.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeTestConfig } from './fixture-config.ts';
import { runRunnerbot } from './processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'rb-bounded-'));
const big = join(dir, 'big-token');
writeFileSync(big, 'glpat-');
truncateSync(big, 300 * 1024 * 1024); // sparse: takes no disk
const fifo = join(dir, 'fifo-token');
execFileSync('mkfifo', [fifo]);

it.each([
  ['/dev/zero', '/dev/zero', 'not a regular file'],
  ['a FIFO nobody writes to', fifo, 'not a regular file'],
  ['a 300 MB file', big, 'larger than 1048576 bytes'],
])('refuses GITLAB_TOKEN_FILE=%s by name, without reading it', async (_name, path, why) => {
  const run = runRunnerbot(['config', 'check', writeTestConfig().file], { GITLAB_TOKEN_FILE: path });
  expect(await run.exited).toBe(1);
  expect(run.stderr()).toContain(`GITLAB_TOKEN_FILE (${path}) cannot be read: ${why}`);
});
