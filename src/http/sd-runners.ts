// GET /sd/runners: the fleet as Prometheus HTTP service discovery.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet } from '../core/ports.ts';
import { runnerTargetGroups } from '../core/sd-targets.ts';

export function sdRunnersHandler(fleet: Fleet): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
        .end('method not allowed\n');
      return;
    }
    let body: string;
    try {
      body = JSON.stringify(runnerTargetGroups(await fleet.list()));
    } catch {
      // Prometheus keeps the targets of its last successful refresh when discovery fails.
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('fleet unavailable\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
