// A simulated runner's exporters: node_exporter, cAdvisor and gitlab-runner metrics on their real
// ports, on a loopback address of its own (127.0.0.0/8 is all local on Linux).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { RUNNER_EXPORTERS } from '../../../src/core/sd-targets.ts';
import { EXPORTER_EXPOSITION } from './exporter-metrics.ts';
import { closeServer } from './tools.ts';

export interface FakeRunnerExporters {
  ip: string;
  close(): Promise<void>;
}

async function listenAll(ip: string): Promise<Server[]> {
  const servers: Server[] = [];
  try {
    for (const { job, port } of RUNNER_EXPORTERS) {
      const server = createServer((req, res) => {
        if (req.url !== '/metrics') return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(EXPORTER_EXPOSITION[job]);
      });
      servers.push(server);
      server.listen(port, ip);
      await once(server, 'listening');
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
}

/** Binds the three exporters on a free 127.0.x.y, trying other addresses while one is taken. */
export async function startFakeRunnerExporters(): Promise<FakeRunnerExporters> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const ip = `127.0.${200 + Math.floor(Math.random() * 50)}.${2 + Math.floor(Math.random() * 250)}`;
    try {
      const servers = await listenAll(ip);
      return { ip, close: async () => void (await Promise.all(servers.map(closeServer))) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('no free loopback address for the fake runner exporters');
}
