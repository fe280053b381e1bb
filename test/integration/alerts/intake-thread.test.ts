// POST /alerts on its own listener and thread (`alerts.port`): the same answers as on the shared
// server (202 once queued, 401, 400, 413), every accepted notification in the stream in order,
// the accepted alerts counted in this process' metrics, a port already taken refused at start,
// and the listener answering while this thread's event loop is blocked.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntakeListener, type IntakeListener } from '../../../src/composition/alert-intake-listener.ts';
import { alertKeys } from '../../../src/jobs/alerts/keys.ts';
import { createLogger } from '../../../src/log.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { REDIS_URL, deletePrefix, loopbackIntake, newPrefix } from './support.ts';

const TOKEN = 'alerts-token-intake-thread';
const prefix = newPrefix();
const metrics = createMetrics();
const logger = createLogger({ level: 'warn', secrets: [TOKEN] });
const data = loopbackIntake(prefix, TOKEN, 16 * 1024);
let redis: Redis;
let listener: IntakeListener;

const payload = (alertname: string, status: 'firing' | 'resolved' = 'firing') => ({
  version: '4',
  groupKey: `{}:{alertname="${alertname}"}`,
  truncatedAlerts: 0,
  status,
  receiver: 'runnerbot',
  groupLabels: { alertname },
  commonLabels: { alertname },
  commonAnnotations: {},
  externalURL: 'http://am.example:9093',
  alerts: [
    {
      status,
      labels: { alertname },
      annotations: {},
      startsAt: '2024-05-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: alertname,
    },
  ],
});

const url = () => `http://127.0.0.1:${listener.port()}/alerts`;
async function post(body: unknown, authorization?: string): Promise<number> {
  const res = await fetch(url(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}
const stream = () => redis.xrange(alertKeys(prefix).intake, '-', '+');
const received = async (status: string) =>
  (await metrics.alertsReceived.get()).values.find((v) => v.labels.status === status)?.value ?? 0;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  listener = startIntakeListener(data, { metrics, logger });
  await listener.start();
});

afterAll(async () => {
  await listener?.stop();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('POST /alerts on its own thread', () => {
  it('refuses bad credentials, bad bodies and oversized ones, queueing nothing', async () => {
    expect(await post(payload('NoToken'))).toBe(401);
    expect(await post(payload('WrongToken'), 'Bearer nope')).toBe(401);
    expect(await post('{"version": ', `Bearer ${TOKEN}`)).toBe(400);
    const huge = payload('Huge');
    huge.alerts[0]!.annotations = { description: 'x'.repeat(20 * 1024) } as never;
    expect(await post(huge, `Bearer ${TOKEN}`)).toBe(413);
    expect(await stream()).toEqual([]);
  });

  it('queues a burst of concurrent notifications, each once and in the order answered', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `Burst${i}`);
    const statuses = await Promise.all(
      names.map((n, i) => post(payload(n, i % 4 ? 'firing' : 'resolved'), `Bearer ${TOKEN}`)),
    );
    expect(statuses.every((s) => s === 202)).toBe(true);
    const queued = (await stream()).map(
      ([, fields]) => (JSON.parse(fields[1]!) as { groupLabels: { alertname: string } }).groupLabels.alertname,
    );
    expect([...queued].sort()).toEqual([...names].sort());
    expect(new Set(queued).size).toBe(200);
  });

  it('answers while the event loop of the thread that started it is blocked', async () => {
    // curl runs in a child process (spawned before the loop blocks): its answer needs no turn of
    // this thread's event loop, which spins for 1.5 s.
    const answer = promisify(execFile)('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{time_total}',
      '-X',
      'POST',
      '-H',
      `authorization: Bearer ${TOKEN}`,
      '-H',
      'content-type: application/json',
      '--data',
      JSON.stringify(payload('WhileBlocked')),
      url(),
    ]);
    const until = Date.now() + 1500;
    while (Date.now() < until);
    const [status, seconds] = (await answer).stdout.split(' ');
    expect(status).toBe('202');
    expect(Number(seconds)).toBeLessThan(1);
  });

  it('counts the accepted alerts in this process and refuses a port already taken', async () => {
    await listener.stop();
    expect(await received('firing')).toBe(151);
    expect(await received('resolved')).toBe(50);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(startIntakeListener({ ...data, port }, { metrics, logger }).start()).rejects.toThrow(/EADDRINUSE/);
    } finally {
      taken.close();
    }
    listener = startIntakeListener(data, { metrics, logger });
    await listener.start();
  });
});
