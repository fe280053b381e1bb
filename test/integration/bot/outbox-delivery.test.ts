import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, ALERTS, OPS } from '../../../sim/slack/test-support.ts';
import { FAKE_SECRET, outboxDrained, storedText, startHarness, waitFor, type Harness } from './outbox-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const section = (text: string) => [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }];

describe('Slack outbox', () => {
  it('posts once per key, threads replies under their parent key and keeps the newest edit', async () => {
    expect(await h.outbox.post({ key: 'a:root', channel: OPS, text: 'root v0', blocks: section('root v0') })).toBe(
      true,
    );
    expect(await h.outbox.post({ key: 'a:root', channel: OPS, text: 'root again' })).toBe(false);
    await h.outbox.post({ key: 'a:reply', channel: OPS, threadKey: 'a:root', text: 'reply', blocks: section('reply') });
    for (const v of [1, 2, 3])
      await h.outbox.update({ key: 'a:root', text: `root v${v}`, blocks: section(`root v${v}`) });
    expect(await h.outbox.update({ key: 'never-posted', text: 'x' })).toBe(false);
    h.startDelivery();

    await waitFor(() => outboxDrained(h), 'the outbox to drain');
    const [root] = h.sim.channel(OPS).messages();
    expect(h.sim.channel(OPS).messages()).toHaveLength(1);
    expect(root!.text).toBe('root v3');
    expect(root!.history.map((r) => r.text)).toEqual(['root v0']);
    expect(h.sim.thread(OPS, root!.ts).map((m) => m.text)).toEqual(['root v3', 'reply']);
    expect(await h.outbox.tsOf('a:root')).toEqual({ channel: OPS, ts: root!.ts });
    expect(h.posted.map((p) => p.key).sort()).toEqual(['a:reply', 'a:root']);
  });

  it('sends ephemerals to the user, and drops what Slack refuses for good without blocking the rest', async () => {
    await h.outbox.post({ key: 'gone', channel: 'C0NOWHERE1', text: 'lost channel' });
    await h.outbox.ephemeral({ channel: OPS, user: ALICE, text: 'only for alice' });
    await h.outbox.post({ key: 'fine', channel: ALERTS, text: 'still delivered' });
    await h.outbox.update({ key: 'gone', text: 'edit of a dropped message' });
    h.startDelivery();

    await waitFor(() => outboxDrained(h), 'the outbox to drain');
    expect(h.sim.ephemerals(ALICE).map((e) => e.text)).toEqual(['only for alice']);
    expect(
      h.sim
        .channel(ALERTS)
        .messages()
        .map((m) => m.text),
    ).toEqual(['still delivered']);
    expect(await h.outbox.tsOf('gone')).toBeNull();
    expect(await h.outbox.update({ key: 'gone', text: 'later edit' })).toBe(false);
    const dropped = (await h.metrics.slackCalls.get()).values.find((v) => v.labels.outcome === 'dropped');
    expect(dropped).toMatchObject({ labels: { method: 'chat.postMessage' }, value: 1 });
    expect(h.logs.join('')).toContain('channel_not_found');
  });

  it('answers on a response_url, retrying its 5xx', async () => {
    const bodies: unknown[] = [];
    let calls = 0;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls += 1;
        if (calls === 1) return void res.writeHead(503).end();
        bodies.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response/x`;
      await h.outbox.respond({ responseUrl: url, text: 'approved', replaceOriginal: true });
      h.startDelivery();
      await waitFor(() => bodies.length > 0, 'the response');
      expect(bodies).toEqual([{ text: 'approved', replace_original: true }]);
      expect(calls).toBe(2);
    } finally {
      server.close();
    }
  });

  it('cuts oversized messages to Slack limits and scrubs secrets from everything it sends or stores', async () => {
    const leaky = `clone failed: token=${FAKE_SECRET} header Authorization: Bearer glpat-abcdefghij ${'x'.repeat(5000)}`;
    await h.outbox.post({ key: 'big', channel: OPS, text: leaky, blocks: section(leaky) });
    await h.outbox.update({ key: 'big', text: `again ${FAKE_SECRET}`, blocks: section(`again ${FAKE_SECRET}`) });
    expect(await storedText(h)).not.toContain(FAKE_SECRET);
    h.startDelivery();

    await waitFor(() => outboxDrained(h), 'the outbox to drain');
    const [message] = h.sim.channel(OPS).messages();
    expect(message!.history[0]!.text).toContain('clone failed: token=***');
    expect(message!.history[0]!.text).toContain('(truncated)');
    expect(message!.text).toBe('again ***');
    expect(h.sim.received.filter((e) => e.error)).toEqual([]);
    expect(h.sim.receivedText()).not.toContain(FAKE_SECRET);
    expect(h.sim.receivedText()).not.toContain('glpat-abcdefghij');
  });
});
