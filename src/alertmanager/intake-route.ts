// POST /alerts: authenticate, bound the body, validate the v4 payload, queue it with one Redis
// write, answer. 2xx only once queued; 5xx when Redis cannot take it (Alertmanager retries those
// and only those); 4xx for bad credentials or a bad payload, which retrying cannot fix.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AlertIntake } from '../core/alerts/ports.ts';
import { sendJson, type Route } from '../http/server.ts';
import { isAuthorized, type AlertCredentials } from './auth.ts';
import { parseAlertmanagerPayload } from './payload-schema.ts';
import { readLimitedBody } from './read-body.ts';

/** Where each accepted alert is counted: the Prometheus counter, or a thread's tally for it. */
export interface AlertsReceived {
  inc(labels: { status: 'firing' | 'resolved' }): void;
}

export interface AlertIntakeRouteOptions {
  intake: AlertIntake;
  credentials: AlertCredentials;
  /** `alerts.maxBodyBytes`. */
  maxBodyBytes: number;
  metrics: { alertsReceived: AlertsReceived };
  logger: Logger;
}

const CHALLENGE = 'Bearer realm="runnerbot alerts", Basic realm="runnerbot alerts"';
/** While Redis is away every request fails the same way: one log line per this many ms is enough. */
const FAILURE_LOG_INTERVAL_MS = 10_000;

function refuse(res: ServerResponse, status: number, error: string): void {
  if (status === 413) res.setHeader('connection', 'close');
  sendJson(res, status, { error });
}

export function alertIntakeRoute({
  intake,
  credentials,
  maxBodyBytes,
  metrics,
  logger,
}: AlertIntakeRouteOptions): Route {
  let lastFailureLog = 0;
  return {
    method: 'POST',
    path: '/alerts',
    handler: async (req, res) => {
      if (!isAuthorized(req.headers.authorization, credentials)) {
        res.setHeader('www-authenticate', CHALLENGE);
        return refuse(res, 401, 'missing or wrong credentials');
      }
      const read = await readLimitedBody(req, maxBodyBytes);
      if (!read.ok) return refuse(res, 413, `body larger than ${maxBodyBytes} bytes (alerts.maxBodyBytes)`);
      let body: unknown;
      try {
        body = JSON.parse(read.body.toString('utf8'));
      } catch {
        return refuse(res, 400, 'body is not JSON');
      }
      const parsed = parseAlertmanagerPayload(body);
      if (!parsed.ok) return refuse(res, 400, `not an Alertmanager v4 payload: ${parsed.problem}`);
      try {
        await intake.enqueue(parsed.payload);
      } catch (error) {
        if (Date.now() - lastFailureLog > FAILURE_LOG_INTERVAL_MS) {
          lastFailureLog = Date.now();
          logger.error({ err: error }, 'cannot queue alerts; answering 503 so Alertmanager retries');
        }
        return refuse(res, 503, 'alert queue unavailable; retry later');
      }
      for (const alert of parsed.payload.alerts) metrics.alertsReceived.inc({ status: alert.status });
      sendJson(res, 202, { status: 'queued', alerts: parsed.payload.alerts.length });
    },
  };
}
