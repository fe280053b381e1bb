// Starts the real Alertmanager on the shipped monitoring/alertmanager.yml, delivering to a
// runnerbot under test, with the bearer token in a file as in production.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { MONITORING, freePort, requireTool } from './tools.ts';
import { waitUntil } from './wait-until.ts';

const SHIPPED_RUNNERBOT = 'runnerbot:3000';

export interface AlertmanagerOptions {
  /** host:port where runnerbot serves POST /alerts. */
  runnerbot: string;
  /** The bearer token Alertmanager must send, written to the credentials file. */
  token: string;
}

export interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  endsAt?: string;
}

export interface RunningAlertmanager {
  url: string;
  postAlerts(alerts: PostedAlert[]): Promise<void>;
  stop(): Promise<void>;
}

/** The shipped configuration with runnerbot's address, the token file and second-scale timers. */
async function testConfig(options: AlertmanagerOptions, tokenFile: string): Promise<string> {
  const shipped = await readFile(join(MONITORING, 'alertmanager.yml'), 'utf8');
  if (!shipped.includes(SHIPPED_RUNNERBOT)) throw new Error(`monitoring/alertmanager.yml no longer names ${SHIPPED_RUNNERBOT}; update the harness`);
  const config = parse(shipped.replaceAll(SHIPPED_RUNNERBOT, options.runnerbot));
  Object.assign(config.route, { group_wait: '0s', group_interval: '1s' });
  for (const receiver of config.receivers) {
    for (const webhook of receiver.webhook_configs ?? []) webhook.http_config.authorization.credentials_file = tokenFile;
  }
  return stringify(config);
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = requireTool('/usr/bin/prometheus-alertmanager');
  const dir = await mkdtemp(join(tmpdir(), 'runnerbot-alertmanager-'));
  await writeFile(join(dir, 'token'), options.token, { mode: 0o600 });
  await writeFile(join(dir, 'alertmanager.yml'), await testConfig(options, join(dir, 'token')));
  const port = await freePort();
  const child = spawn(binary, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const state = await waitUntil(
    'Alertmanager to be ready',
    async () => (child.exitCode !== null ? 'exited' : (await fetch(`${url}/-/ready`)).ok ? 'ready' : undefined),
    20_000,
  );
  if (state === 'exited') {
    await stop();
    throw new Error(`alertmanager exited with ${child.exitCode}: ${log}`);
  }
  return {
    url,
    postAlerts: async (alerts) => {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`Alertmanager refused alerts: ${res.status} ${await res.text()}`);
    },
    stop,
  };
}
