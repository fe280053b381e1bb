// The real Alertmanager delivers to runnerbot's POST /alerts; the Slack simulator shows one message
// per alert group and channel, updated in place on resolve, across a runnerbot restart.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../monitoring/alertmanager-harness.ts';
import { waitUntil } from '../monitoring/wait-until.ts';
import { startSlackSim, type SlackSim } from '../../../sim/slack/index.ts';
import { startAlertRunnerbot, type AlertRunnerbot } from './alert-runnerbot.ts';
import { REDIS_URL, deletePrefix, drained, messageAbout, messagesIn, newPrefix, render, repliesTo } from './support.ts';
import { CRITICAL, DEFAULT, OPS, workspace } from './workspace.ts';

const TOKEN = 'alerts-token-to-slack-test';
const prefix = newPrefix();
const redis = new Redis(REDIS_URL);
let slack: SlackSim;
let runnerbot: AlertRunnerbot;
let alertmanager: RunningAlertmanager;

const runnerDown = (runner: string) => ({
  labels: { alertname: 'RunnerDown', severity: 'critical', runner, instance: `${runner}:9100` },
  annotations: {
    summary: `Runner ${runner} is down`,
    description: 'node_exporter has not answered for 2 minutes',
    runbook_url: 'https://runbooks.example.com/runner-down',
  },
});
const diskFull = {
  labels: { alertname: 'RunnerHighDiskUsage', severity: 'warning', runner: 'gitlab-runner-02' },
  annotations: { summary: 'Disk 91% full on gitlab-runner-02' },
};
const backup = {
  labels: { alertname: 'BackupLate', severity: 'warning', job: 'backup' },
  annotations: { summary: 'The nightly backup is late' },
};

beforeAll(async () => {
  slack = await startSlackSim(workspace);
  runnerbot = await startAlertRunnerbot({ redisUrl: REDIS_URL, prefix, slack, token: TOKEN });
  alertmanager = await startAlertmanager({ runnerbot: runnerbot.address, token: TOKEN });
});

afterAll(async () => {
  await alertmanager?.stop();
  await runnerbot?.stop();
  await slack?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('Alertmanager -> runnerbot -> Slack', () => {
  it('posts one message per group to the channels its routes name', async () => {
    await alertmanager.postAlerts([runnerDown('gitlab-runner-01'), diskFull, backup]);
    await waitUntil('three groups in Slack', async () =>
      messagesIn(slack, CRITICAL).length === 1 &&
      messagesIn(slack, OPS).length === 2 &&
      messagesIn(slack, DEFAULT).length === 1 &&
      (await drained(redis, prefix))
        ? true
        : undefined,
    );

    const critical = messagesIn(slack, CRITICAL)[0]!;
    expect(critical.text).toContain(':red_circle: [FIRING:1] RunnerDown gitlab-runner-01');
    expect(render(critical)).toContain('Runner gitlab-runner-01 is down');
    expect(render(critical)).toContain('node_exporter has not answered for 2 minutes');
    expect(render(critical)).toContain('<https://runbooks.example.com/runner-down|Runbook>');
    expect(render(critical)).toMatch(/<http:\/\/[^|]+\|Alertmanager>/);
    expect(render(critical)).toContain('alert_silence_4h');
    expect(messageAbout(slack, OPS, 'RunnerHighDiskUsage')?.text).toContain(
      ':warning: [FIRING:1] RunnerHighDiskUsage gitlab-runner-02',
    );
    expect(messageAbout(slack, OPS, 'RunnerDown')).toBeDefined();
    expect(messagesIn(slack, DEFAULT)[0]!.text).toContain('BackupLate');
  });

  it('after a restart, resolving updates those same messages and adds one thread reply', async () => {
    const before = messagesIn(slack, CRITICAL)[0]!;
    await runnerbot.stop();
    runnerbot = await startAlertRunnerbot({
      redisUrl: REDIS_URL,
      prefix,
      slack,
      token: TOKEN,
      port: Number(runnerbot.address.split(':')[1]),
    });
    await alertmanager.postAlerts([{ ...runnerDown('gitlab-runner-01'), endsAt: new Date().toISOString() }]);
    await waitUntil('the resolve in Slack', async () =>
      messagesIn(slack, CRITICAL)[0]?.text.includes('RESOLVED') &&
      messageAbout(slack, OPS, 'RunnerDown')?.text.includes('RESOLVED') &&
      (await drained(redis, prefix))
        ? true
        : undefined,
    );

    const after = messagesIn(slack, CRITICAL);
    expect(after).toHaveLength(1);
    expect(after[0]!.ts).toBe(before.ts);
    expect(after[0]!.text).toContain(':large_green_circle: [RESOLVED] RunnerDown gitlab-runner-01');
    expect(render(after[0]!)).not.toContain('alert_silence');
    expect(repliesTo(slack, CRITICAL, before.ts).map((m) => m.text)).toEqual([
      ':large_green_circle: Resolved: [RESOLVED] RunnerDown gitlab-runner-01',
    ]);
    expect(messagesIn(slack, OPS)).toHaveLength(2);
    expect(messageAbout(slack, OPS, 'RunnerHighDiskUsage')?.text).toContain('FIRING');
  });

  it('two Alertmanagers sending the same group make one message, shown once', async () => {
    const peer = await startAlertmanager({ runnerbot: runnerbot.address, token: TOKEN });
    try {
      const received = async () =>
        (await runnerbot.metrics.alertsReceived.get()).values.reduce((sum, v) => sum + v.value, 0);
      const start = await received();
      const jobFailures = {
        labels: { alertname: 'RunnerJobFailures', severity: 'warning', runner: 'gitlab-runner-03' },
        annotations: { summary: 'Jobs failing on gitlab-runner-03' },
      };
      await Promise.all([alertmanager.postAlerts([jobFailures]), peer.postAlerts([jobFailures])]);
      await waitUntil('both Alertmanagers delivered and all forwarded', async () =>
        (await received()) >= start + 2 &&
        (await drained(redis, prefix)) &&
        messageAbout(slack, OPS, 'RunnerJobFailures')
          ? true
          : undefined,
      );
      const shown = messagesIn(slack, OPS).filter((m) => m.text.includes('RunnerJobFailures'));
      expect(shown).toHaveLength(1);
      expect(shown[0]!.history).toHaveLength(0);
    } finally {
      await peer.stop();
    }
  });
});
