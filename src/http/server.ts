// The one HTTP server of a process: a plain node:http server over a route table that each
// adapter extends (health and metrics here; Slack events, alerts and service discovery elsewhere).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The exact path, without the query string. */
  path: string;
  handler: RouteHandler;
}

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; `port()` tells which. */
  port: number;
  /** Read on every request, so routes pushed before start() are served. */
  routes: Route[];
  logger: Logger;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

function routeFor(routes: Route[], req: IncomingMessage): { route?: Route; allowed: string[] } {
  const path = new URL(req.url ?? '/', 'http://runnerbot').pathname;
  const onPath = routes.filter((r) => r.path === path);
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  return { route: onPath.find((r) => r.method === method), allowed: onPath.map((r) => r.method) };
}

export function createHttpServer({ host, port, routes, logger }: HttpServerOptions) {
  const server = createServer(async (req, res) => {
    const { route, allowed } = routeFor(routes, req);
    if (!route) {
      if (allowed.length > 0) res.setHeader('allow', allowed.join(', '));
      sendJson(res, allowed.length > 0 ? 405 : 404, { error: allowed.length > 0 ? 'method not allowed' : 'not found' });
      return;
    }
    try {
      await route.handler(req, res);
    } catch (error) {
      logger.error({ err: error, method: req.method, path: route.path }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  });

  return {
    name: 'http',
    server,
    /** The port actually bound (after start). */
    port: () => (server.address() as AddressInfo | null)?.port ?? port,
    start: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          logger.info({ host, port: (server.address() as AddressInfo).port }, 'http server listening');
          resolve();
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

export type HttpServer = ReturnType<typeof createHttpServer>;
