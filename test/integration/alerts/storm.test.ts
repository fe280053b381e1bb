// A storm: more new groups in one channel than alerts.digestThreshold within the window become
// one digest message (updated as they change) instead of one message each.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../monitoring/alertmanager-harness.ts';
import { waitUntil } from '../monitoring/wait-until.ts';
import { startSlackSim, type SlackSim } from '../../../sim/slack/index.ts';
import { startAlertRunnerbot, type AlertRunnerbot } from './alert-runnerbot.ts';
import { REDIS_URL, deletePrefix, drained, messagesIn, newPrefix, repliesTo } from './support.ts';
import { OPS, workspace } from './workspace.ts';

const TOKEN = 'alerts-token-storm-test';
const prefix = newPrefix();
const redis = new Redis(REDIS_URL);
let slack: SlackSim;
let runnerbot: AlertRunnerbot;
let alertmanager: RunningAlertmanager;

const runners = Array.from({ length: 12 }, (_, i) => `gitlab-runner-${String(i + 10)}`);
const down = (runner: string, endsAt?: string) => ({
  labels: { alertname: 'RunnerDown', severity: 'warning', runner },
  annotations: { summary: `${runner} down` },
  ...(endsAt ? { endsAt } : {}),
});

beforeAll(async () => {
  slack = await startSlackSim(workspace);
  runnerbot = await startAlertRunnerbot({ redisUrl: REDIS_URL, prefix, slack, token: TOKEN, digestThreshold: 3 });
  alertmanager = await startAlertmanager({ runnerbot: runnerbot.address, token: TOKEN });
});

afterAll(async () => {
  await alertmanager?.stop();
  await runnerbot?.stop();
  await slack?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const digest = () => messagesIn(slack, OPS).find((m) => m.text.includes('Alert storm'));

describe('an alert storm in one channel', () => {
  it('posts the first groups on their own and lists the rest in one digest', async () => {
    await alertmanager.postAlerts(runners.map((r) => down(r)));
    await waitUntil(
      'the digest listing 9 groups',
      async () => ((await drained(redis, prefix)) && digest()?.text.includes('9 alert groups') ? true : undefined),
      20_000,
    );
    expect(messagesIn(slack, OPS)).toHaveLength(4);
    expect(digest()!.text).toBe(':rotating_light: Alert storm: 9 alert groups (9 firing)');
  });

  it('updates the digest as its groups resolve, and says once that the storm is over', async () => {
    const ts = digest()!.ts;
    await alertmanager.postAlerts(runners.map((r) => down(r, new Date().toISOString())));
    await waitUntil(
      'the digest resolved',
      async () => ((await drained(redis, prefix)) && digest()?.text.includes('all resolved') ? true : undefined),
      20_000,
    );
    expect(messagesIn(slack, OPS)).toHaveLength(4);
    expect(digest()!.ts).toBe(ts);
    expect(repliesTo(slack, OPS, ts).map((m) => m.text)).toEqual([
      ':large_green_circle: All 9 alert groups of this storm are resolved.',
    ]);
  });
});
