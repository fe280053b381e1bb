// GET /healthz (200 when the process' dependencies answer, 503 otherwise) and GET /metrics.
import type { Registry } from 'prom-client';
import { sendJson, type Route } from './http-server.ts';

/** A part the process can run without for a while (Slack): reported, but not a reason for 503. */
export interface Degradable {
  name: string;
  state(): { status: string };
}

/** `isHealthy` is asked on every probe, e.g. `() => pingRedis(redis)`. */
export function healthRoute(isHealthy: () => Promise<boolean>, degradable: Degradable[] = []): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_req, res) => {
      const parts = Object.fromEntries(degradable.map((d) => [d.name, d.state()]));
      const degraded = degradable.some((d) => d.state().status !== 'up');
      if (!(await isHealthy())) sendJson(res, 503, { status: 'unavailable', reason: 'redis does not answer', ...parts });
      else sendJson(res, 200, { status: degraded ? 'degraded' : 'ok', ...parts });
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
