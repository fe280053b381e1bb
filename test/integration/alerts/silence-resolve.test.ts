// A group silenced from Slack, through the real Alertmanager: Alertmanager sends nothing about a
// silenced group, not its resolve either, so runnerbot watches it. The message says who silenced it
// until when; it ends resolved (no buttons) when Alertmanager stops listing the alerts; and it says
// so when the silence ends while the group still fires.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../monitoring/alertmanager-harness.ts';
import { waitUntil } from '../monitoring/wait-until.ts';
import { startSlackSim, type SlackSim } from '../../../sim/slack/index.ts';
import { createAlertmanagerAlerts } from '../../../src/alertmanager/alerts-client.ts';
import { startAlertBolt } from './alert-bolt.ts';
import { startAlertRunnerbot, type AlertRunnerbot } from './alert-runnerbot.ts';
import { REDIS_URL, deletePrefix, drained, messageAbout, newPrefix, render, repliesTo } from './support.ts';
import { ALICE, OPS, workspace } from './workspace.ts';

const TOKEN = 'alerts-token-silence-resolve-test';
const prefix = newPrefix();
const redis = new Redis(REDIS_URL);
let slack: SlackSim;
let runnerbot: AlertRunnerbot;
let alertmanager: RunningAlertmanager;
let bolt: Awaited<ReturnType<typeof startAlertBolt>>;

const alert = (alertname: string) => ({
  labels: { alertname, severity: 'warning', runner: 'gitlab-runner-05' },
  annotations: { summary: `${alertname} on gitlab-runner-05` },
});

interface AmSilence {
  id: string;
  matchers: { name: string; value: string }[];
  status: { state: string };
}
const silenceOn = async (alertname: string): Promise<AmSilence | undefined> =>
  ((await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as AmSilence[]).find(
    (s) => s.status.state === 'active' && s.matchers.some((m) => m.name === 'alertname' && m.value === alertname),
  );

const shown = (alertname: string) => messageAbout(slack, OPS, alertname);

async function fireAndSilence(alertname: string) {
  await alertmanager.postAlerts([alert(alertname)]);
  const message = await waitUntil(`the ${alertname} message`, async () => shown(alertname));
  await slack.sendBlockAction({ userId: ALICE, channelId: OPS, messageTs: message.ts, actionId: 'alert_silence_1h' });
  await waitUntil(`the silence on ${alertname}`, async () =>
    render(shown(alertname)!).includes('Silenced until') ? true : undefined,
  );
  return { message, silence: (await silenceOn(alertname))! };
}

beforeAll(async () => {
  slack = await startSlackSim({ ...workspace, rateLimits: false });
  runnerbot = await startAlertRunnerbot({ redisUrl: REDIS_URL, prefix, slack, token: TOKEN, silenceCheckMs: 300 });
  bolt = await startAlertBolt({ slack, runnerbot, redis, redisUrl: REDIS_URL, prefix, firstCheckMs: 0 });
  alertmanager = await startAlertmanager({ runnerbot: runnerbot.address, token: TOKEN });
});

afterAll(async () => {
  await alertmanager?.stop();
  await bolt?.stop();
  await runnerbot?.stop();
  await slack?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('a group silenced from Slack', () => {
  it('shows the silence, then ends resolved without buttons when the alert resolves at the source', async () => {
    const { message, silence } = await fireAndSilence('RunnerHighMemory');
    const silenced = render(shown('RunnerHighMemory')!);
    expect(silence).toBeDefined();
    expect(silenced).toContain(`Silenced until <!date^`);
    expect(silenced).toContain(`by <@${ALICE}>`);
    expect(silenced).toContain('alert_silence_1h');
    expect(shown('RunnerHighMemory')!.text).toContain('[FIRING:1]');

    // The source resolves it; Alertmanager sends nothing, the group being silenced.
    await alertmanager.postAlerts([{ ...alert('RunnerHighMemory'), endsAt: new Date().toISOString() }]);
    const resolved = await waitUntil('the resolved message', async () =>
      shown('RunnerHighMemory')?.text.includes('RESOLVED') && (await drained(redis, prefix))
        ? shown('RunnerHighMemory')
        : undefined,
    );
    expect(resolved.ts).toBe(message.ts);
    expect(resolved.text).toContain(':large_green_circle: [RESOLVED] RunnerHighMemory gitlab-runner-05');
    expect(render(resolved)).not.toContain('alert_silence');
    expect(render(resolved)).not.toContain('Silenced until');
    expect(repliesTo(slack, OPS, message.ts).map((m) => m.text)).toContain(
      ':large_green_circle: Resolved: [RESOLVED] RunnerHighMemory gitlab-runner-05',
    );
    expect(await redis.keys(`${prefix}:alerts:silence:*`)).toEqual([]);
    expect(await redis.zcard(`${prefix}:alerts:silenced`)).toBe(0);
  });

  it("reads Alertmanager's start time, which keeps a just-restarted Alertmanager's empty list from resolving anything", async () => {
    const started = await createAlertmanagerAlerts().startedAt(alertmanager.url);
    expect(started).toBeLessThanOrEqual(Date.now());
    expect(started).toBeGreaterThan(Date.now() - 5 * 60_000);
  });

  it('says so when the silence ends while the group still fires, and keeps the buttons', async () => {
    const { message, silence } = await fireAndSilence('RunnerJobFailures');
    const expired = await fetch(`${alertmanager.url}/api/v2/silence/${silence.id}`, { method: 'DELETE' });
    expect(expired.ok).toBe(true);

    const ended = await waitUntil('the ended silence on the message', async () =>
      render(shown('RunnerJobFailures')!).includes('ended') ? shown('RunnerJobFailures') : undefined,
    );
    expect(ended.ts).toBe(message.ts);
    expect(render(ended)).toContain(`The silence set by <@${ALICE}> ended <!date^`);
    expect(render(ended)).toContain('Alertmanager notifies again');
    expect(render(ended)).not.toContain('Silenced until');
    expect(ended.text).toContain('[FIRING:1]');
    expect(render(ended)).toContain('alert_silence_1h');
    expect(await redis.zcard(`${prefix}:alerts:silenced`)).toBe(0);
  });
});
