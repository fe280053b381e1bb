// The real monitoring binaries (Debian's prometheus and prometheus-alertmanager) and the plumbing
// the tests around them share.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const MONITORING = `${REPO}monitoring/`;

const PACKAGE_OF: Record<string, string> = {
  '/usr/bin/promtool': 'prometheus',
  '/usr/bin/prometheus': 'prometheus',
  '/usr/bin/amtool': 'prometheus-alertmanager',
  '/usr/bin/prometheus-alertmanager': 'prometheus-alertmanager',
};

/** The binary's path; throws a message naming the Debian package when it is not installed. */
export function requireTool(path: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is not installed; these tests run the real tool: apt-get install ${PACKAGE_OF[path] ?? 'it'}`);
  }
  return path;
}

/** Runs a tool to completion; resolves with its exit code and combined output, never rejects on exit code. */
export function runTool(path: string, args: string[], cwd = MONITORING): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(requireTool(path), args, { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, output: `${stdout}${stderr}` });
    });
  });
}

export { freePort } from '../../../sandbox/free-port.ts';

/** Closes a test HTTP server, including the keep-alive connections a scraper holds open. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}
