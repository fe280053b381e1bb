// GET /healthz (200 when the process' dependencies answer, 503 otherwise) and GET /metrics.
import type { Registry } from 'prom-client';
import { sendJson, type Route } from './http-server.ts';

const FACTS_TIMEOUT_MS = 1000;

/**
 * `isHealthy` is asked on every probe, e.g. `() => pingRedis(redis)`. `redisFacts` (which primary,
 * which replicas in sync) is shown beside the status when it answers in time; it never fails a probe.
 */
export function healthRoute(isHealthy: () => Promise<boolean>, redisFacts?: () => Promise<object>): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_req, res) => {
      if (!(await isHealthy())) return sendJson(res, 503, { status: 'unavailable', reason: 'redis does not answer' });
      const redis = redisFacts ? await withinTimeout(redisFacts()) : undefined;
      sendJson(res, 200, { status: 'ok', ...(redis ? { redis } : {}) });
    },
  };
}

async function withinTimeout<T>(promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), FACTS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
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
