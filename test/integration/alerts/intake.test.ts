// POST /alerts refuses what it must (no token, wrong token, bad body, too big) without queueing
// anything, accepts bearer and basic auth, and answers 5xx while Redis is down — after which the
// real Alertmanager's retry delivers the alert.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertKeys } from '../../../src/jobs/alerts/keys.ts';
import { startRedisServer, type OwnRedisServer } from '../jobs/harness/redis-server.ts';
import { startAlertmanager } from '../monitoring/alertmanager-harness.ts';
import { waitUntil } from '../monitoring/wait-until.ts';
import { startSlackSim, type SlackSim } from '../../../sim/slack/index.ts';
import { startAlertRunnerbot, type AlertRunnerbot } from './alert-runnerbot.ts';
import { deletePrefix, messageAbout, messagesIn, newPrefix } from './support.ts';
import { OPS, workspace } from './workspace.ts';

const TOKEN = 'alerts-token-intake-test';
const BASIC = 'alertmanager:basic-pass-intake';
const prefix = newPrefix();
let server: OwnRedisServer;
let redis: Redis;
let slack: SlackSim;
let runnerbot: AlertRunnerbot;

const payload = (alertname: string) => ({
  version: '4',
  groupKey: `{}:{alertname="${alertname}"}`,
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'runnerbot',
  groupLabels: { alertname },
  commonLabels: { alertname, runner: 'gitlab-runner-07' },
  commonAnnotations: {},
  externalURL: 'http://am.example:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname, runner: 'gitlab-runner-07' },
      annotations: {},
      startsAt: '2024-05-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: 'abc123',
    },
  ],
  somethingNewer: { alertmanager: 'adds fields' },
});

async function post(body: unknown, authorization?: string): Promise<{ status: number; body: { error?: string } }> {
  const res = await fetch(`${runnerbot.url}/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

const queued = () => redis.xlen(alertKeys(prefix).intake);

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  slack = await startSlackSim(workspace);
  runnerbot = await startAlertRunnerbot({ redisUrl: server.url, prefix, slack, token: TOKEN, basicAuth: BASIC });
  // Nothing is forwarded until the tests that want it: entries stay in the stream, countable.
  await runnerbot.pauseForwarding();
});

afterAll(async () => {
  await runnerbot?.stop();
  await slack?.close();
  await deletePrefix(redis, prefix).catch(() => undefined);
  redis?.disconnect();
  await server?.destroy();
});

describe('POST /alerts', () => {
  it('refuses a missing or wrong token and a malformed or oversized body, queueing nothing', async () => {
    expect((await post(payload('NoToken'))).status).toBe(401);
    expect((await post(payload('WrongToken'), 'Bearer not-the-token')).status).toBe(401);
    expect(
      (await post(payload('WrongBasic'), `Basic ${Buffer.from('alertmanager:nope').toString('base64')}`)).status,
    ).toBe(401);
    expect(await post('{"version": "4", ', `Bearer ${TOKEN}`)).toEqual({
      status: 400,
      body: { error: 'body is not JSON' },
    });
    const badStatus = payload('BadStatus');
    badStatus.alerts[0]!.status = 'burning';
    const refused = await post(badStatus, `Bearer ${TOKEN}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('alerts[0].status');
    expect((await post({ ...payload('NoAlerts'), alerts: [] }, `Bearer ${TOKEN}`)).body.error).toContain('alerts:');
    const huge = payload('Huge');
    huge.alerts[0]!.annotations = { description: 'x'.repeat(70 * 1024) };
    expect((await post(huge, `Bearer ${TOKEN}`)).status).toBe(413);
    expect(await queued()).toBe(0);
    expect(JSON.stringify(runnerbot.logLines)).not.toContain(TOKEN);
  });

  it('accepts the bearer token and basic auth, tolerating unknown fields', async () => {
    expect((await post(payload('Bearer'), `Bearer ${TOKEN}`)).status).toBe(202);
    expect((await post(payload('Basic'), `Basic ${Buffer.from(BASIC).toString('base64')}`)).status).toBe(202);
    expect(await queued()).toBe(2);
    await runnerbot.resumeForwarding();
    await waitUntil('both forwarded', async () => (messagesIn(slack, OPS).length === 2 ? true : undefined));
  });

  it('answers 503 while Redis is down, and Alertmanager retries until it is back', async () => {
    const alertmanager = await startAlertmanager({ runnerbot: runnerbot.address, token: TOKEN });
    try {
      await server.stop();
      expect((await post(payload('WhileDown'), `Bearer ${TOKEN}`)).status).toBe(503);
      await alertmanager.postAlerts([
        {
          labels: { alertname: 'RetriedLater', runner: 'gitlab-runner-09' },
          annotations: { summary: 'sent while Redis was down' },
        },
      ]);
      await waitUntil('Alertmanager to be refused', async () => (runnerbot.refusals() > 1 ? true : undefined));
      await server.start();
      await waitUntil('the retried alert in Slack', async () => messageAbout(slack, OPS, 'RetriedLater'), 40_000);
      expect(messageAbout(slack, OPS, 'WhileDown')).toBeUndefined();
    } finally {
      await alertmanager.stop();
    }
  }, 60_000);
});
