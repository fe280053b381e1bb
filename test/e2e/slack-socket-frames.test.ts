// Socket Mode delivers whatever the server sends: a real `runnerbot all` gets malformed frames
// (not JSON, binary, no type, no envelope id, an unknown type, an events_api envelope whose payload is null), keeps running on
// the same connection, and still answers the next slash command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MalformedFrame } from '../../sim/slack/socket-mode.ts';
import { CHANNEL, OPERATOR, startService, until, type Service } from './slack-harness.ts';

let s: Service;
beforeAll(async () => {
  s = await startService({ mode: 'socket', vmFarm: false });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const FRAMES: MalformedFrame[] = ['not-json', 'binary', 'no-type', 'no-envelope-id', 'unknown-type', 'null-payload'];

describe('malformed Socket Mode frames', () => {
  it('are survived: the process keeps running and answers the next command', async () => {
    const opened = s.sims.slack.received.filter((e) => e.name === 'apps.connections.open').length;
    for (const frame of FRAMES) s.sims.slack.socket.sendMalformed(frame);
    const ack = await s.sims.slack.sendSlashCommand({ text: 'list', userId: OPERATOR, channelId: CHANNEL });
    expect(ack).toMatchObject({ acked: true });
    await until(
      () =>
        s.sims.slack
          .ephemerals(OPERATOR)
          .find((e) => e.via === 'response_url' && e.text.startsWith('runnerbot manages no runners yet.')),
      30_000,
      'the answer to list',
    );
    expect(s.runnerbot.running()).toBe(true);
    expect((await fetch(`${s.runnerbot.url}/healthz`)).ok).toBe(true);
    expect(s.sims.slack.received.filter((e) => e.name === 'apps.connections.open')).toHaveLength(opened);
  }, 120_000);
});
