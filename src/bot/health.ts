// GET /healthz (200 when the process' dependencies answer, 503 otherwise) and GET /metrics.
import type { Registry } from 'prom-client';
import { sendJson, type Route } from './http-server.ts';

/** `isHealthy` is asked on every probe, e.g. `() => pingRedis(redis)`. */
export function healthRoute(isHealthy: () => Promise<boolean>): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_req, res) => {
      if (await isHealthy()) sendJson(res, 200, { status: 'ok' });
      else sendJson(res, 503, { status: 'unavailable', reason: 'redis does not answer' });
    },
  };
}

export function metricsRoute(registry: Registry): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res) => {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    },
  };
}
