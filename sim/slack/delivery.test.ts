import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackSim, type SlackSim } from './index.ts';
import { slackSignature } from './signing.ts';
import { ALICE, OPS, testWorkspace, until } from './test-support.ts';

let sim: SlackSim | undefined;
let app: Server | undefined;
afterEach(async () => {
  app?.closeAllConnections();
  await new Promise((r) => (app ? app.close(r) : r(undefined)));
  await sim?.close();
});

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A bare app that answers only after `delayFor(n)` ms for its n-th request. */
async function slowApp(delayFor: (n: number) => number): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  app = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      setTimeout(() => res.end(''), delayFor(seen.length));
    });
  });
  await new Promise<void>((r) => app?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`, seen };
}

describe('delivery to the app as Slack does it', () => {
  it('signs with v0 and retries an unanswered event with X-Slack-Retry-Num, but not a command', async () => {
    const target = await slowApp((n) => (n === 1 ? 1000 : 0));
    sim = await startSlackSim({ ...testWorkspace, transport: 'http', requestUrl: target.url, ackTimeoutMs: 200 });
    const event = await sim.openAppHome(ALICE);
    expect(event).toMatchObject({ acked: true, attempts: 2, status: 200 });
    const [first, retry] = target.seen;
    expect(first?.headers['x-slack-retry-num']).toBeUndefined();
    expect(retry?.headers).toMatchObject({
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
      'content-type': 'application/json',
    });
    for (const s of target.seen) {
      const ts = Number(s.headers['x-slack-request-timestamp']);
      expect(s.headers['x-slack-signature']).toBe(slackSignature(sim.signingSecret, ts, s.body));
    }
    expect(JSON.parse(retry?.body ?? '{}')).toMatchObject({
      type: 'event_callback',
      event: { type: 'app_home_opened', user: ALICE },
    });

    const command = await sim.sendSlashCommand({ text: 'list', userId: ALICE, channelId: OPS });
    expect(command).toMatchObject({ acked: true, attempts: 1 });
    expect(Object.fromEntries(new URLSearchParams(target.seen.at(-1)?.body))).toMatchObject({
      command: '/runner',
      text: 'list',
      user_id: ALICE,
      channel_id: OPS,
    });
  });

  it('shows the user a timeout when a command is not acked, and replays a request byte for byte', async () => {
    const target = await slowApp(() => 400);
    sim = await startSlackSim({ ...testWorkspace, transport: 'http', requestUrl: target.url, ackTimeoutMs: 100 });
    const late = await sim.sendSlashCommand({ text: 'list', userId: ALICE, channelId: OPS });
    expect(late).toMatchObject({ acked: false, error: 'http_timeout', attempts: 1 });
    expect(sim.ephemerals(ALICE).map((e) => e.text)).toEqual(['/runner failed with the error "operation_timeout"']);
    await sim.replay(late.request!);
    await until(() => target.seen.length === 2);
    expect(target.seen[1]).toEqual({
      headers: expect.objectContaining({ 'x-slack-signature': target.seen[0]?.headers['x-slack-signature'] }),
      body: target.seen[0]?.body,
    });
  });

  it('redelivers an unacked Socket Mode event with retry_attempt and takes the ack', async () => {
    sim = await startSlackSim({ ...testWorkspace, ackTimeoutMs: 150 });
    const opened = await new WebClient(sim.appToken, { slackApiUrl: sim.apiUrl }).apps.connections.open();
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    const socket = new WebSocket(opened.url as string);
    const frames: Record<string, unknown>[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      frames.push(frame);
      if (frame.retry_attempt === 1) socket.send(JSON.stringify({ envelope_id: frame.envelope_id }));
    });
    await until(() => frames[0]);
    expect(frames[0]).toMatchObject({ type: 'hello', connection_info: { app_id: sim.appId } });
    const result = await sim.openAppHome(ALICE);
    expect(result).toMatchObject({ transport: 'socket', acked: true, attempts: 2 });
    expect(frames.slice(1).map((f) => [f.type, f.retry_attempt])).toEqual([
      ['events_api', 0],
      ['events_api', 1],
    ]);
    expect(frames[1]?.envelope_id).toBe(frames[2]?.envelope_id);
    socket.close();
    // A ticket is good for one connection only.
    const again = new WebSocket(opened.url as string);
    await expect(
      new Promise((resolve, reject) => {
        again.on('open', resolve);
        again.on('error', reject);
      }),
    ).rejects.toThrow(/401/);
  });

  it('answers a command with no Socket Mode connection as dispatch_failed', async () => {
    sim = await startSlackSim(testWorkspace);
    const result = await sim.sendSlashCommand({ text: 'list', userId: ALICE, channelId: OPS });
    expect(result).toMatchObject({ acked: false, error: 'no_connection' });
    expect(sim.ephemerals(ALICE).map((e) => e.text)).toEqual(['/runner failed with the error "dispatch_failed"']);
  });
});
