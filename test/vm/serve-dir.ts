// A static file server on 127.0.0.1:<port 0>: what the VM reaches through QEMU's gateway.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface Served {
  port: number;
  requests: string[];
  close(): Promise<void>;
}

export async function serveDir(root: string): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    requests.push(path);
    const file = join(root, path);
    stat(file)
      .then(
        (s) => {
          if (!s.isFile() || path.includes('..')) throw new Error('not a file');
          res.writeHead(200, { 'content-length': s.size });
          createReadStream(file).pipe(res);
        },
        () => res.writeHead(404).end(),
      )
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
