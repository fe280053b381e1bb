// Issue 7 end to end: the shipped Prometheus configuration, run by the real `prometheus`, scrapes
// a running `runnerbot all` and discovers the runners it provisions — and forgets them when they go.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '../integration/monitoring/prometheus-harness.ts';
import { CHANNEL, OPERATOR, startService, until, type Service } from './slack-harness.ts';

let s: Service;
let prometheus: RunningPrometheus;
beforeAll(async () => {
  s = await startService({ mode: 'socket' });
  prometheus = await startPrometheus({ runnerbot: new URL(s.runnerbot.url).host, interval: '1s' });
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
  await s?.close();
}, 60_000);

const runnerTargets = async (runner: string) =>
  (await prometheus.activeTargets()).filter((t) => t.labels.runner === runner);

describe('Prometheus with runnerbot', () => {
  it('scrapes runnerbot, whose metrics carry the provision, and discovers the new runner', async () => {
    await s.sims.slack.sendSlashCommand({ text: 'provision gitlab-runner-07', userId: OPERATOR, channelId: CHANNEL });
    const run = await until(
      async () => (await s.runs.recent(5)).find((r) => r.runner === 'gitlab-runner-07' && r.status === 'succeeded'),
      90_000,
      'the provision',
    );

    const self = await until(
      async () => (await prometheus.activeTargets()).find((t) => t.labels.job === 'runnerbot' && t.health === 'up'),
      30_000,
      'runnerbot scraped',
    );
    expect(self.scrapeUrl).toMatch(/\/metrics$/);
    const jobs = await until(
      async () =>
        (await prometheus.query('runnerbot_jobs_total{kind="provision",outcome="succeeded"}')).find(
          (x) => Number(x.value[1]) >= 1,
        ),
      30_000,
      'the job counter',
    );
    expect(Number(jobs.value[1])).toBeGreaterThanOrEqual(1);

    const targets = await until(
      async () => {
        const found = await runnerTargets('gitlab-runner-07');
        return found.length === 3 && found.every((t) => t.health === 'up') ? found : undefined;
      },
      30_000,
      'the runner targets up',
    );
    expect(targets.map((t) => `${t.labels.job} ${t.labels.instance}`).sort()).toEqual(
      ['cadvisor', 'gitlab-runner', 'node']
        .map((job) => `${job} ${run.outputs.ip}:${{ cadvisor: 8080, 'gitlab-runner': 9252, node: 9100 }[job]}`)
        .sort(),
    );
    expect(targets[0]!.labels).toMatchObject({
      node: 'pve1',
      vmid: String(run.outputs.vmid),
      profile: run.spec.profile,
    });
  }, 150_000);

  it('drops the runner from discovery once it is deprovisioned', async () => {
    // Asynchronously: the simulators live in this process and must keep answering.
    const result = await promisify(execFile)(
      process.execPath,
      [new URL('../../bin/runnerbot.js', import.meta.url).pathname, 'deprovision', 'gitlab-runner-07', '--yes'],
      { env: { PATH: process.env.PATH ?? '', ...s.env } },
    );
    expect(result.stdout).toMatch(/deprovision of gitlab-runner-07 succeeded/);
    await until(
      async () => (await runnerTargets('gitlab-runner-07')).length === 0,
      30_000,
      'the runner targets to disappear',
    );
  }, 90_000);
});
