// The sandbox's own HTTP server: the page, a description of the sandbox for it (people, channels,
// the Slack simulator's URL), the fleet panel's JSON, the alert buttons and the failure button.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { AlertSender, RunnerDownTarget } from './alerts.ts';
import { fleetState, type FleetSources } from './fleet.ts';
import { CHANNELS, PEOPLE } from './people.ts';

const PAGE_DIR = new URL('./page/', import.meta.url);
const PAGE_FILES: Record<string, string> = {
  '/': 'index.html',
  '/style.css': 'style.css',
  '/app.js': 'app.js',
  '/blocks.js': 'blocks.js',
  '/mrkdwn.js': 'mrkdwn.js',
  '/fleet.js': 'fleet.js',
  '/slack.js': 'slack.js',
  '/dialog.js': 'dialog.js',
  '/messages.js': 'messages.js',
};
const TYPES: Record<string, string> = { html: 'text/html', css: 'text/css', js: 'text/javascript' };
const RUNNER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface PageServerOptions extends FleetSources {
  alerts: AlertSender;
  /** Plain-words notes on what this machine could not run. */
  skipped: string[];
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

function alertTarget(options: PageServerOptions, runner: string): RunnerDownTarget {
  const vm = [...options.sims.proxmox.state.vms.values()].find(
    (v) => v.config.name === runner && v.config.template !== '1',
  );
  return { runner, ...(vm ? { vmid: vm.vmid, node: vm.node } : {}) };
}

function describe(options: PageServerOptions) {
  return {
    slackUrl: options.sims.slack.url,
    people: PEOPLE,
    channels: { runs: CHANNELS.runners.id, alerts: CHANNELS.alerts.id },
    alertsVia: options.alerts.via,
    skipped: options.skipped,
  };
}

async function route(options: PageServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
  const file = PAGE_FILES[path];
  if (req.method === 'GET' && file) {
    res.writeHead(200, {
      'content-type': `${TYPES[file.split('.').pop()!]}; charset=utf-8`,
      'cache-control': 'no-store',
    });
    return void res.end(await readFile(new URL(file, PAGE_DIR)));
  }
  if (req.method === 'GET' && path === '/api/sandbox') return json(res, 200, describe(options));
  if (req.method === 'GET' && path === '/api/fleet') return json(res, 200, await fleetState(options));
  const alert = /^\/api\/alerts\/(fire|resolve)$/.exec(path);
  if (req.method === 'POST' && alert) {
    const runner = String((await readJson(req)).runner ?? '');
    if (!RUNNER_NAME.test(runner))
      return json(res, 400, { ok: false, error: 'runner must be a runner name such as gitlab-runner-02' });
    const target = alertTarget(options, runner);
    await (alert[1] === 'fire' ? options.alerts.fire(target) : options.alerts.resolve(target));
    return json(res, 200, { ok: true, via: options.alerts.via });
  }
  if (req.method === 'POST' && path === '/api/faults/next-provision') {
    failNextProvision(options);
    return json(res, 200, { ok: true });
  }
  json(res, 404, { ok: false, error: 'not_found' });
}

/**
 * GitLab answers the next runner creation 403, as it does for a token without the create_runner
 * scope: the run fails at create-runner (a refusal is not retried), and Retry finishes it.
 */
function failNextProvision(options: PageServerOptions): void {
  options.sims.gitlab.faults.set('POST /api/v4/user/runners', {
    errorRate: 1,
    status: 403,
    body: { message: '403 Forbidden - insufficient_scope (the sandbox failed this on purpose)' },
    times: 1,
  });
}

export async function startPageServer(
  options: PageServerOptions,
  port = 0,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    route(options, req, res).catch((error: unknown) => json(res, 502, { ok: false, error: (error as Error).message }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
