// GET /healthz (200 when the process' dependencies answer, 503 otherwise) and GET /metrics.
import type { Registry } from 'prom-client';
import { sendJson, type Route } from './server.ts';

const FACTS_TIMEOUT_MS = 1000;

/** A part the process can run without for a while (Slack): reported, but not a reason for 503. */
export interface Degradable {
  name: string;
  state(): { status: string };
}

export interface HealthParts {
  /** Which Redis primary and which replicas in sync; shown when it answers in time, never fails a probe. */
  redisFacts?: () => Promise<object>;
  degradable?: Degradable[];
}

/** `isHealthy` is asked on every probe, e.g. `() => pingRedis(redis)`. */
export function healthRoute(
  isHealthy: () => Promise<boolean>,
  { redisFacts, degradable = [] }: HealthParts = {},
): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_req, res) => {
      const parts = Object.fromEntries(degradable.map((d) => [d.name, d.state()]));
      if (!(await isHealthy()))
        return sendJson(res, 503, { status: 'unavailable', reason: 'redis does not answer', ...parts });
      const degraded = degradable.some((d) => d.state().status !== 'up');
      const redis = redisFacts ? await withinTimeout(redisFacts()) : undefined;
      sendJson(res, 200, { status: degraded ? 'degraded' : 'ok', ...parts, ...(redis ? { redis } : {}) });
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
