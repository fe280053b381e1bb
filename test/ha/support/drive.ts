// What users and Alertmanager do while Redis fails over: operators re-issue a command the bot
// said it could not queue, Alertmanager re-sends a notification that did not get a 2xx. Each
// counts its retries; a probe measures how long Redis took no writes.
import { sleep } from '../../../sandbox/free-port.ts';
import { CHANNELS, PEOPLE } from '../../../sandbox/people.ts';
import type { HaService } from './ha-service.ts';

export const OPERATOR = PEOPLE.find((p) => p.role === 'operator')!.id;
export const ALERTS_CHANNEL = CHANNELS.alerts.id;
const RUNNERS_CHANNEL = CHANNELS.runners.id;

/**
 * `/runner provision NAME` until a worker runs it. A run whose enqueue failed (the bot answered
 * "the job queue is unavailable … try again") ends `failed` at once: the operator asks again.
 */
export async function provisionUntilStarted(s: HaService, name: string): Promise<{ retries: number }> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const before = new Set((await s.runs.recent(50, name)).map((r) => r.id));
    await s.sims.slack
      .sendSlashCommand({ text: `provision ${name}`, userId: OPERATOR, channelId: RUNNERS_CHANNEL })
      .catch(() => undefined);
    const deadline = Date.now() + 120_000;
    let outcome: 'started' | 'failed' | undefined;
    while (!outcome && Date.now() < deadline) {
      const fresh = (await s.runs.recent(50, name).catch(() => [])).filter((r) => !before.has(r.id));
      if (fresh.some((r) => r.status === 'running' || r.status === 'succeeded')) outcome = 'started';
      else if (fresh.length > 0 && fresh.every((r) => r.status === 'failed')) outcome = 'failed';
      else await sleep(100);
    }
    if (outcome === 'started') return { retries: attempt };
    await sleep(500);
  }
  throw new Error(`provision ${name} never started`);
}

export function alertGroup(i: number) {
  const alertname = `HaStorm${String(i).padStart(3, '0')}`;
  const labels = { alertname, runner: `gitlab-runner-x${i}`, severity: 'warning' };
  return {
    alertname,
    payload: {
      version: '4',
      groupKey: `{}:{alertname="${alertname}"}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'runnerbot',
      groupLabels: { alertname },
      commonLabels: labels,
      commonAnnotations: { summary: `${alertname} fired` },
      externalURL: 'http://am.example:9093',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: { summary: `${alertname} fired` },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: alertname.toLowerCase(),
        },
      ],
    },
  };
}

/** POST /alerts as Alertmanager does: again after any non-2xx or connection failure. */
export async function postUntilAccepted(s: HaService, body: unknown): Promise<{ retries: number; acceptedAt: number }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const status = await fetch(`${s.runnerbot.url}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.alertsToken}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    }).then(
      (r) => r.status,
      () => 0,
    );
    if (status >= 200 && status < 300) return { retries: attempt, acceptedAt: Date.now() };
    await sleep(250);
  }
  throw new Error('Alertmanager gave up on a notification');
}

/** Writes through its own connection every 50 ms; `longestGapMs` is the failover as a client sees it. */
export function startWriteProbe(s: HaService) {
  let stopped = false;
  let last = Date.now();
  let longestGapMs = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        await s.redis.incr(`${s.prefix}:ha-probe`);
        const now = Date.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
      } catch {
        // counted as part of the gap
      }
      await sleep(50);
    }
  })();
  return {
    async stop(): Promise<{ longestGapMs: number }> {
      stopped = true;
      await loop;
      return { longestGapMs };
    },
  };
}
