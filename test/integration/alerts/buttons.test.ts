// The buttons on an alert message, clicked in the Slack simulator and delivered over Socket Mode
// to the real Bolt app: Silence creates a silence the real Alertmanager lists and applies;
// Rebuild asks for the approval-gated reprovision of the runner.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../monitoring/alertmanager-harness.ts';
import { waitUntil } from '../monitoring/wait-until.ts';
import { startSlackSim, type SlackSim } from '../../../sim/slack/index.ts';
import { startAlertBolt } from './alert-bolt.ts';
import { startAlertRunnerbot, type AlertRunnerbot } from './alert-runnerbot.ts';
import { REDIS_URL, deletePrefix, drained, messageAbout, newPrefix, render, repliesTo } from './support.ts';
import { ALICE, DAVE, OPS, workspace } from './workspace.ts';

const TOKEN = 'alerts-token-buttons-test';
const prefix = newPrefix();
const redis = new Redis(REDIS_URL);
let slack: SlackSim;
let runnerbot: AlertRunnerbot;
let alertmanager: RunningAlertmanager;
let bolt: Awaited<ReturnType<typeof startAlertBolt>>;

const diskAlert = (extra: Record<string, string> = {}) => ({
  labels: { alertname: 'RunnerHighDiskUsage', severity: 'warning', runner: 'gitlab-runner-02', ...extra },
  annotations: { summary: 'Disk filling up on gitlab-runner-02' },
});

interface AmSilence {
  id: string;
  status: { state: string };
  createdBy: string;
  comment: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
}
const silences = async (): Promise<AmSilence[]> =>
  (await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as AmSilence[];

beforeAll(async () => {
  slack = await startSlackSim({ ...workspace, rateLimits: false });
  runnerbot = await startAlertRunnerbot({ redisUrl: REDIS_URL, prefix, slack, token: TOKEN });
  bolt = await startAlertBolt({ slack, runnerbot, redis, redisUrl: REDIS_URL, prefix });
  await bolt.deps.fleet.upsert({
    name: 'gitlab-runner-02',
    vmid: 120,
    node: 'pve1',
    ip: '10.0.0.12',
    profile: 'default',
    runnerId: 7,
    tags: ['docker'],
    provisionedAt: 1,
  });
  alertmanager = await startAlertmanager({ runnerbot: runnerbot.address, token: TOKEN });
  await alertmanager.postAlerts([diskAlert()]);
  await waitUntil('the alert message', async () => messageAbout(slack, OPS, 'RunnerHighDiskUsage'));
});

afterAll(async () => {
  await alertmanager?.stop();
  await bolt?.stop();
  await runnerbot?.stop();
  await slack?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const click = (userId: string, actionId: string) =>
  slack.sendBlockAction({
    userId,
    channelId: OPS,
    messageTs: messageAbout(slack, OPS, 'RunnerHighDiskUsage')!.ts,
    actionId,
  });

describe('alert buttons', () => {
  it('refuses Silence to someone who is not an operator', async () => {
    await click(DAVE, 'alert_silence_1h');
    const refusal = await waitUntil('the refusal', async () =>
      slack.ephemerals(DAVE).find((e) => e.text.includes('only operators')),
    );
    expect(refusal).toBeDefined();
    expect(await silences()).toEqual([]);
  });

  it('Silence 4h creates the silence in Alertmanager, says so in the thread, and suppresses the next notification', async () => {
    const message = messageAbout(slack, OPS, 'RunnerHighDiskUsage')!;
    await click(ALICE, 'alert_silence_4h');
    const [silence] = await waitUntil('the silence', async () => ((await silences()).length ? silences() : undefined));
    expect(silence!.status.state).toBe('active');
    expect(silence!.createdBy).toContain(ALICE);
    expect(silence!.matchers.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'alertname', value: 'RunnerHighDiskUsage', isRegex: false, isEqual: true },
      { name: 'runner', value: 'gitlab-runner-02', isRegex: false, isEqual: true },
      { name: 'severity', value: 'warning', isRegex: false, isEqual: true },
    ]);
    const reply = await waitUntil('the thread reply', async () =>
      repliesTo(slack, OPS, message.ts).find((m) => m.text.includes('silenced')),
    );
    expect(reply.text).toContain(`<@${ALICE}> silenced this group for 4h`);
    expect(reply.text).toContain(silence!.id);

    await alertmanager.postAlerts([
      diskAlert({ mountpoint: '/var/lib/docker' }),
      { labels: { alertname: 'RunnerHighMemory', severity: 'warning', runner: 'gitlab-runner-02' }, annotations: {} },
    ]);
    await waitUntil('the unsilenced control alert', async () =>
      (await drained(redis, prefix)) ? messageAbout(slack, OPS, 'RunnerHighMemory') : undefined,
    );
    const alerts = (await (
      await fetch(`${alertmanager.url}/api/v2/alerts?filter=alertname%3D%22RunnerHighDiskUsage%22`)
    ).json()) as { labels: Record<string, string>; status: { state: string; silencedBy: string[] } }[];
    const newer = alerts.find((a) => a.labels.mountpoint === '/var/lib/docker')!;
    expect(newer.status).toMatchObject({ state: 'suppressed', silencedBy: [silence!.id] });
    expect(render(messageAbout(slack, OPS, 'RunnerHighDiskUsage')!)).not.toContain('/var/lib/docker');
  });

  it('Rebuild asks for an approval-gated reprovision of the runner', async () => {
    await click(ALICE, 'alert_rebuild_gitlab-runner-02');
    const run = await waitUntil(
      'the run',
      async () => (await bolt.deps.runs.activeFor('gitlab-runner-02')) ?? undefined,
    );
    expect(run).toMatchObject({
      kind: 'reprovision',
      runner: 'gitlab-runner-02',
      status: 'awaiting_approval',
      requester: { userId: ALICE },
    });
  });
});
