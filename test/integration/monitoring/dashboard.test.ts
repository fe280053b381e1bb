// The Grafana dashboard and provisioning: every query reads metrics that really exist.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/metrics.ts';
import { exporterMetricNames } from './exporter-metrics.ts';
import { dashboardQueries, loadDashboard, metricNamesIn } from './promql.ts';
import { MONITORING } from './tools.ts';

async function runnerbotMetricNames(): Promise<string[]> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  return metrics.flatMap(({ name, type }) => (String(type) === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]));
}

describe('the runnerbot Grafana dashboard', () => {
  it('covers the fleet and runnerbot', () => {
    const titles = loadDashboard().panels.map((p) => (p as { title?: string }).title);
    for (const title of ['Targets up', 'CPU busy', 'Memory used', 'Disk used', 'Containers running', 'CI jobs running', 'Runs finished', 'Step duration (p90)', 'Queue', 'Slack calls', 'Slack 429s']) {
      expect(titles).toContain(title);
    }
  });

  it('queries only metrics that runnerbot, node_exporter, cAdvisor and gitlab-runner export', async () => {
    const known = new Set(['up', ...(await runnerbotMetricNames()), ...exporterMetricNames()]);
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(15);
    const unknown = queries.flatMap(({ panel, expr }) => metricNamesIn(expr).filter((name) => !known.has(name)).map((name) => `${panel}: ${name}`));
    expect(unknown).toEqual([]);
    const used = new Set(queries.flatMap(({ expr }) => metricNamesIn(expr)));
    for (const name of ['runnerbot_jobs_total', 'runnerbot_step_duration_seconds_bucket', 'runnerbot_queue_jobs', 'runnerbot_slack_calls_total']) expect(used).toContain(name);
  });

  it('picks runners from the discovered node_exporter targets', () => {
    const [runner] = loadDashboard().templating.list;
    expect(runner?.name).toBe('runner');
    expect(runner?.query.query).toBe('label_values(up{job="node"}, runner)');
  });

  it('reads the provisioned data source, and the provider loads it from the mounted folder', async () => {
    const datasources = parse(await readFile(join(MONITORING, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
    const providers = parse(await readFile(join(MONITORING, 'grafana/provisioning/dashboards/runnerbot.yml'), 'utf8'));
    const uid = datasources.datasources[0].uid;
    const referenced = new Set<string>();
    JSON.stringify(loadDashboard(), (key, value) => (key === 'datasource' && referenced.add(JSON.stringify(value)), value));
    expect([...referenced]).toEqual([JSON.stringify({ type: 'prometheus', uid })]);
    expect(datasources.datasources[0].url).toBe('http://prometheus:9090');
    expect(providers.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});
