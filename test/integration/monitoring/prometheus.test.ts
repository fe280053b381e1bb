// The real Prometheus on the shipped configuration, pointed at runnerbot's /metrics and
// /sd/runners over a simulated fleet: what it scrapes is what the fleet holds.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdRunnersHandler } from '../../../src/http/sd-runners.ts';
import { PROVISION_STEPS } from '../../../src/core/plan.ts';
import type { FleetEntry } from '../../../src/core/ports.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { GITLAB_RUNNER_TOKEN_PREFIX } from './exporter-metrics.ts';
import { startFakeRunnerExporters, type FakeRunnerExporters } from './fake-exporters.ts';
import { MemoryFleet } from './memory-fleet.ts';
import { startPrometheus, type ActiveTarget, type RunningPrometheus } from './prometheus-harness.ts';
import { asGrafanaSends, dashboardQueries } from './promql.ts';
import { closeServer } from './tools.ts';
import { waitUntil } from './wait-until.ts';

const fleet = new MemoryFleet();
const metrics = createMetrics();
const exporters: FakeRunnerExporters[] = [];
let runnerbot: Server;
let prometheus: RunningPrometheus;

function entry(name: string, ip: string, vmid: number): FleetEntry {
  return { name, vmid, node: 'pve1', ip, profile: 'default', runnerId: vmid, tags: ['docker'], provisionedAt: 0 };
}

/** What a few runs and Slack calls leave on the registry. */
function recordActivity(): void {
  metrics.jobs.inc({ kind: 'provision', outcome: 'succeeded' });
  metrics.jobDuration.observe({ kind: 'provision' }, 42);
  for (const step of PROVISION_STEPS) metrics.stepDuration.observe({ step }, 0.2);
  metrics.queueJobs.set({ state: 'waiting' }, 0);
  metrics.queueJobs.set({ state: 'active' }, 1);
  metrics.slackCalls.inc({ method: 'chat.postMessage', outcome: 'ok' }, 5);
  metrics.slackCalls.inc({ method: 'chat.postMessage', outcome: 'rate_limited' });
  metrics.alertsReceived.inc({ status: 'firing' });
  metrics.alertsForwarded.inc();
  metrics.commandAck.observe(0.004);
}

/** The runner targets Prometheus scrapes, one line per target, once they all answer. */
function runnerTargets(targets: ActiveTarget[]): string[] {
  return targets
    .filter((t) => t.scrapePool === 'runners')
    .map(({ labels: l, health }) => `${l.runner} ${l.job} ${l.instance} node=${l.node} vmid=${l.vmid} profile=${l.profile} ${health}`)
    .sort();
}

function expectedTargets(...runners: { name: string; ip: string; vmid: number }[]): string[] {
  const jobs = [['node', 9100], ['cadvisor', 8080], ['gitlab-runner', 9252]] as const;
  return runners.flatMap((r) => jobs.map(([job, port]) => `${r.name} ${job} ${r.ip}:${port} node=pve1 vmid=${r.vmid} profile=default up`)).sort();
}

beforeAll(async () => {
  recordActivity();
  exporters.push(await startFakeRunnerExporters(), await startFakeRunnerExporters());
  await fleet.upsert(entry('gitlab-runner-a', exporters[0]!.ip, 201));
  await fleet.upsert(entry('gitlab-runner-b', exporters[1]!.ip, 202));
  const sd = sdRunnersHandler(fleet);
  runnerbot = createServer((req, res) => {
    if (req.url === '/sd/runners') return void sd(req, res);
    if (req.url === '/metrics') return void metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
    res.writeHead(404).end();
  });
  await new Promise<void>((ready) => runnerbot.listen(0, '127.0.0.1', ready));
  prometheus = await startPrometheus({ runnerbot: `127.0.0.1:${(runnerbot.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all([...exporters.map((e) => e.close()), runnerbot && closeServer(runnerbot)]);
});

describe('Prometheus with the shipped configuration', () => {
  it('scrapes runnerbot and every exporter of every runner in the fleet, labelled from /sd/runners', async () => {
    const [a, b] = exporters as [FakeRunnerExporters, FakeRunnerExporters];
    const want = expectedTargets({ name: 'gitlab-runner-a', ip: a.ip, vmid: 201 }, { name: 'gitlab-runner-b', ip: b.ip, vmid: 202 });
    const seen = await waitUntil('the fleet to be discovered and scraped', async () => {
      const targets = await prometheus.activeTargets();
      const self = targets.find((t) => t.scrapePool === 'runnerbot');
      return self?.health === 'up' && runnerTargets(targets).join() === want.join() ? targets : undefined;
    });
    expect(runnerTargets(seen)).toEqual(want);
  });

  it('stores the values of runnerbot’s own metrics', async () => {
    const [provisions] = await waitUntil('runnerbot_jobs_total', async () => {
      const found = await prometheus.query('runnerbot_jobs_total{job="runnerbot", kind="provision", outcome="succeeded"}');
      return found.length ? found : undefined;
    });
    expect(provisions?.value[1]).toBe('1');
  });

  it('keeps the runner name in `runner` and gitlab-runner’s own label in `exported_runner`', async () => {
    const [series] = await waitUntil('gitlab-runner metrics', async () => {
      const found = await prometheus.query('gitlab_runner_jobs_total{runner="gitlab-runner-a"}');
      return found.length ? found : undefined;
    });
    expect(series?.metric).toMatchObject({ job: 'gitlab-runner', runner: 'gitlab-runner-a', exported_runner: GITLAB_RUNNER_TOKEN_PREFIX, vmid: '201' });
  });

  it('loads every alert rule and evaluates it without error', async () => {
    const groups = await waitUntil('every rule to be evaluated', async () => {
      const found = await prometheus.ruleGroups();
      const rules = found.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((r) => r.health !== 'unknown') ? found : undefined;
    });
    expect(groups.map((g) => g.name).sort()).toEqual(['runnerbot', 'runners']);
    expect(groups.flatMap((g) => g.rules).filter((r) => r.health !== 'ok')).toEqual([]);
  });

  it('answers every dashboard query with data', async () => {
    for (const { panel, expr } of dashboardQueries()) {
      const result = await waitUntil(`data for "${panel}": ${expr}`, async () => {
        const found = await prometheus.query(asGrafanaSends(expr));
        return found.length ? found : undefined;
      });
      expect(result.length, panel).toBeGreaterThan(0);
    }
  });

  it('drops a runner’s targets once it leaves the fleet', async () => {
    const [a] = exporters as [FakeRunnerExporters];
    await fleet.remove('gitlab-runner-b');
    const want = expectedTargets({ name: 'gitlab-runner-a', ip: a.ip, vmid: 201 });
    const seen = await waitUntil('gitlab-runner-b to disappear', async () => {
      const targets = runnerTargets(await prometheus.activeTargets());
      return targets.join() === want.join() ? targets : undefined;
    });
    expect(seen).toEqual(want);
  });
});
