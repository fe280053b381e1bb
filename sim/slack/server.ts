// The simulator's HTTP routes: the Web API, response_urls, the page feed, page controls, and the
// Socket Mode upgrade.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AppClient } from './app-client.ts';
import type { Faults } from '../faults.ts';
import { snapshot, streamChanges } from './feed.ts';
import { parseCall, readBody } from './request.ts';
import type { ResponseUrls } from './response-url.ts';
import type { SocketModeServer } from './socket-mode.ts';
import type { ReceivedEntry } from './types.ts';
import { callWebApi, type TokenGrant, type WebApiLimits } from './web-api.ts';
import type { Workspace } from './workspace.ts';

export interface Routes {
  workspace: Workspace;
  faults: Faults;
  tokens: ReadonlyMap<string, TokenGrant>;
  limits: () => WebApiLimits;
  responseUrls: ResponseUrls;
  socket: SocketModeServer;
  client: AppClient;
  baseUrl: () => string;
  record: (entry: Omit<ReceivedEntry, 'at'>) => void;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'access-control-allow-origin': '*',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function parseJson(text: string): Record<string, unknown> {
  const form = new URLSearchParams(text).get('payload');
  try {
    return JSON.parse(form ?? text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function control(r: Routes, path: string, body: Record<string, unknown>): Promise<unknown> {
  if (path === '/_sim/slash-command') return r.client.sendSlashCommand(body as never);
  if (path === '/_sim/block-action') return r.client.sendBlockAction(body as never);
  if (path === '/_sim/app-home') return r.client.openAppHome(String(body.userId));
  return undefined;
}

async function route(r: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', r.baseUrl());
  const path = url.pathname;
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': 'GET, POST',
    });
    return void res.end();
  }
  if (await r.faults.apply(`${req.method} ${path}`, res)) return;
  const body = await readBody(req);
  if (path.startsWith('/api/')) {
    const method = path.slice('/api/'.length);
    const call = parseCall(req, url, body);
    const answer = callWebApi(method, call, r.tokens, r.limits(), {
      workspace: r.workspace,
      baseUrl: r.baseUrl(),
      openSocketUrl: () => r.socket.issueUrl(),
    });
    const error = answer.body.ok ? undefined : String(answer.body.error);
    r.record({ kind: 'api', name: method, args: call.args, ...(error ? { error } : {}) });
    if (r.faults.answerLost(`${req.method} ${path}`)) return void res.socket?.destroy();
    return json(res, answer.status ?? 200, answer.body, answer.headers);
  }
  if (path.startsWith('/response/') && req.method === 'POST') {
    const payload = parseJson(body);
    const answer = r.responseUrls.handle(path.slice('/response/'.length), payload);
    r.record({
      kind: 'response_url',
      name: path,
      args: payload,
      ...(answer.body.ok ? {} : { error: String(answer.body.error) }),
    });
    return json(res, answer.status, answer.body);
  }
  if (path === '/_sim/state') return json(res, 200, snapshot(r.workspace));
  if (path === '/_sim/events') return streamChanges(r.workspace, req, res);
  const result = req.method === 'POST' ? await control(r, path, parseJson(body)) : undefined;
  if (result !== undefined) return json(res, 200, result);
  json(res, 404, { ok: false, error: 'not_found' });
}

export function createSimServer(r: Routes): Server {
  const server = createServer((req, res) => {
    route(r, req, res).catch((e: unknown) => json(res, 500, { ok: false, error: 'internal_error', detail: String(e) }));
  });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith('/link/')) r.socket.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}
