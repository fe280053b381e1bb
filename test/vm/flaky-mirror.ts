// An apt mirror that fails once: a reverse proxy on the host's loopback in front of Debian's
// mirror, answering the first request with 503 (as an overloaded mirror does) and passing every
// later one through. The VM uses it as runnerbot's provision.aptMirror.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOST_FROM_GUEST } from '../../sim/qemu/host.ts';

export interface FlakyMirror {
  /** The mirror as the VM reaches it. */
  url: string;
  /** Requests seen, with the status given. */
  log: string[];
  close(): Promise<void>;
}

export async function startFlakyMirror(upstream = 'http://deb.debian.org'): Promise<FlakyMirror> {
  const log: string[] = [];
  let failed = false;
  const server = createServer((req, res) => {
    if (!failed) {
      failed = true;
      log.push(`503 ${req.url}`);
      res.writeHead(503, { 'retry-after': '1' }).end('mirror overloaded\n');
      return;
    }
    const target = new URL(req.url ?? '/', upstream);
    const proxied = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      log.push(`${up.statusCode} ${req.url}`);
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    proxied.on('error', () => res.writeHead(502).end());
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST_FROM_GUEST}:${port}/debian`,
    log,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
