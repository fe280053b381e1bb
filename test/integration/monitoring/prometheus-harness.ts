// Starts the real Prometheus on the shipped monitoring/prometheus.yml, pointed at a runnerbot
// under test, and reads what it sees through its HTTP API.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { MONITORING, freePort, requireTool } from './tools.ts';
import { waitUntil } from './wait-until.ts';

/** Where the shipped configuration expects runnerbot (the compose service). */
const SHIPPED_RUNNERBOT = 'runnerbot:3000';

export interface PrometheusOptions {
  /** host:port where runnerbot serves /metrics and /sd/runners. */
  runnerbot: string;
  /** Scrape, rule evaluation and discovery refresh period; the shipped ones suit production. */
  interval?: string;
  /** host:port of an Alertmanager; without one, the alerting section is left out. */
  alertmanager?: string;
}

export interface ActiveTarget {
  scrapePool: string;
  scrapeUrl: string;
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RuleGroup {
  name: string;
  rules: { name: string; type: string; health: string; lastError?: string; lastEvaluation: string }[];
}

export interface RunningPrometheus {
  url: string;
  /** The test copy of the configuration it runs with. */
  configYaml: string;
  activeTargets(): Promise<ActiveTarget[]>;
  query(expr: string): Promise<Sample[]>;
  ruleGroups(): Promise<RuleGroup[]>;
  stop(): Promise<void>;
}

type Config = {
  global?: Record<string, unknown>;
  rule_files?: string[];
  alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; http_sd_configs?: { url: string; refresh_interval?: string }[] }[];
};

function retarget(text: string, runnerbot: string): string {
  return text.replaceAll(SHIPPED_RUNNERBOT, runnerbot);
}

/** The shipped configuration with runnerbot's address, short periods and absolute rule paths. */
export async function testPrometheusConfig(options: PrometheusOptions): Promise<string> {
  const shipped = await readFile(join(MONITORING, 'prometheus.yml'), 'utf8');
  if (!shipped.includes(SHIPPED_RUNNERBOT)) throw new Error(`monitoring/prometheus.yml no longer names ${SHIPPED_RUNNERBOT}; update the harness`);
  const interval = options.interval ?? '1s';
  const config = parse(shipped) as Config;
  config.global = { ...config.global, scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval };
  config.rule_files = (config.rule_files ?? []).map((file) => (isAbsolute(file) ? file : join(MONITORING, file)));
  for (const job of config.scrape_configs) {
    for (const group of job.static_configs ?? []) group.targets = group.targets.map((t) => retarget(t, options.runnerbot));
    for (const sd of job.http_sd_configs ?? []) Object.assign(sd, { url: retarget(sd.url, options.runnerbot), refresh_interval: interval });
  }
  if (options.alertmanager) config.alerting = { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] };
  else delete config.alerting;
  return stringify(config);
}

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
  return body.data;
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = requireTool('/usr/bin/prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'runnerbot-prometheus-'));
  const configYaml = await testPrometheusConfig(options);
  await writeFile(join(dir, 'prometheus.yml'), configYaml);
  const port = await freePort();
  const child = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
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
  try {
    const state = await waitUntil(
      'Prometheus to be ready',
      async () => (child.exitCode !== null ? 'exited' : (await fetch(`${url}/-/ready`)).ok ? 'ready' : undefined),
      20_000,
    );
    if (state === 'exited') throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    configYaml,
    activeTargets: async () => (await api<{ activeTargets: ActiveTarget[] }>(url, '/api/v1/targets?state=active')).activeTargets,
    query: async (expr) => (await api<{ result: Sample[] }>(url, `/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    ruleGroups: async () => (await api<{ groups: RuleGroup[] }>(url, '/api/v1/rules')).groups,
    stop,
  };
}
