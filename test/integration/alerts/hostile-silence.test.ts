// Hostile alert payloads through POST /alerts and the Silence button over Socket Mode, against a
// real Alertmanager: the silence covers what the message shows (the labels every alert of the
// group carries), the confirm dialog lists those matchers, a group sharing too little is refused,
// and label text reaches Slack escaped.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../monitoring/alertmanager-harness.ts';
import { waitUntil } from '../monitoring/wait-until.ts';
import { startSlackSim, type SlackSim } from '../../../sim/slack/index.ts';
import { startAlertBolt } from './alert-bolt.ts';
import { startAlertRunnerbot, type AlertRunnerbot } from './alert-runnerbot.ts';
import { REDIS_URL, deletePrefix, drained, messageAbout, newPrefix, render, repliesTo } from './support.ts';
import { ALICE, CRITICAL, OPS, workspace } from './workspace.ts';

const TOKEN = 'alerts-token-hostile-silence';
const prefix = newPrefix();
const redis = new Redis(REDIS_URL);
let slack: SlackSim;
let runnerbot: AlertRunnerbot;
let alertmanager: RunningAlertmanager;
let bolt: Awaited<ReturnType<typeof startAlertBolt>>;

interface AmSilence {
  id: string;
  matchers: { name: string; value: string }[];
}
const silences = async (): Promise<AmSilence[]> =>
  (await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as AmSilence[];

const post = (body: unknown) =>
  fetch(`${runnerbot.url}/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const group = (
  groupKey: string,
  commonLabels: Record<string, string>,
  alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[],
) => ({
  version: '4',
  groupKey,
  status: 'firing',
  receiver: 'runnerbot',
  groupLabels: commonLabels,
  commonLabels,
  commonAnnotations: {},
  externalURL: alertmanager.url,
  truncatedAlerts: 0,
  alerts: alerts.map((a, i) => ({
    status: 'firing',
    annotations: {},
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: '',
    fingerprint: `${groupKey}${i}`,
    ...a,
  })),
});

const click = (channel: string, needle: string, actionId: string) =>
  slack.sendBlockAction({
    userId: ALICE,
    channelId: channel,
    messageTs: messageAbout(slack, channel, needle)!.ts,
    actionId,
  });

beforeAll(async () => {
  slack = await startSlackSim({ ...workspace, rateLimits: false });
  runnerbot = await startAlertRunnerbot({ redisUrl: REDIS_URL, prefix, slack, token: TOKEN });
  bolt = await startAlertBolt({ slack, runnerbot, redis, redisUrl: REDIS_URL, prefix });
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

describe('Silence on a crafted group', () => {
  it('silences the labels every alert shows, not the payload commonLabels {severity: critical}; the dialog and the reply show them escaped', async () => {
    const labels = { alertname: 'RunnerDown', runner: 'gitlab-runner-07', severity: 'critical', team: '<!channel>' };
    expect(
      (
        await post(
          group('{}:{severity="critical"}', { severity: 'critical' }, [
            { labels, annotations: { note: '<https://evil.example|see runbook>' } },
          ]),
        )
      ).status,
    ).toBe(202);
    const message = await waitUntil('the alert message', async () =>
      (await drained(redis, prefix)) ? messageAbout(slack, OPS, 'RunnerDown') : undefined,
    );
    const mrkdwn = (message.blocks ?? []).filter((b) => (b as { type: string }).type !== 'actions');
    expect(`${message.text}${JSON.stringify(mrkdwn)}`).not.toMatch(/<!channel>|<https:\/\/evil/);
    expect(render(message)).toContain('&lt;!channel&gt;');
    const actions = (message.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as {
      elements: { action_id: string; confirm?: { text: { type: string; text: string } } }[];
    };
    const confirm = actions.elements.find((e) => e.action_id === 'alert_silence_24h')!.confirm!;
    expect(confirm.text).toEqual({
      type: 'plain_text',
      text: 'Every alert matching alertname="RunnerDown", runner="gitlab-runner-07", severity="critical", team="<!channel>" will be silenced in Alertmanager for 24h.',
    });

    await click(OPS, 'RunnerDown', 'alert_silence_24h');
    const [silence] = await waitUntil('the silence', async () => ((await silences()).length ? silences() : undefined));
    expect(silence!.matchers.map((m) => `${m.name}=${m.value}`).sort()).toEqual([
      'alertname=RunnerDown',
      'runner=gitlab-runner-07',
      'severity=critical',
      'team=<!channel>',
    ]);
    const reply = await waitUntil('the thread reply', async () =>
      repliesTo(slack, OPS, message.ts).find((m) => m.text.includes('silenced')),
    );
    expect(reply.text).toContain('team="&lt;!channel&gt;"');
    expect(reply.text).not.toContain('<!channel>');
  });

  it('refuses a group whose alerts share only their severity, creating no silence', async () => {
    const before = (await silences()).length;
    const alerts = [
      { labels: { alertname: 'RunnerHighMemory', runner: 'gitlab-runner-08', severity: 'critical' } },
      { labels: { alertname: 'RunnerJobFailures', runner: 'gitlab-runner-09', severity: 'critical' } },
    ];
    expect((await post(group('{}:{severity="critical"}/2', { severity: 'critical' }, alerts))).status).toBe(202);
    await waitUntil('the alert message', async () =>
      (await drained(redis, prefix)) ? messageAbout(slack, CRITICAL, 'RunnerHighMemory') : undefined,
    );
    await click(CRITICAL, 'RunnerHighMemory', 'alert_silence_1h');
    const refusal = await waitUntil('the refusal', async () =>
      slack.ephemerals(ALICE).find((e) => e.text.includes('would cover more than this group')),
    );
    expect(refusal.text).toContain('severity="critical"');
    expect((await silences()).length).toBe(before);
  });
});
