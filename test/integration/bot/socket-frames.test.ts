// Socket Mode delivers whatever the server sends (vendor-behaviour.md 9). Each malformed frame is
// logged and dropped, never an unhandled rejection; the next well-formed command is answered.
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBoltApp, type BoltApp } from '../../../src/bot/app.ts';
import type { BotDeps } from '../../../src/bot/bot-deps.ts';
import { startRawSocketMode } from '../../support/raw-socket-mode.ts';
import { until } from './listener-harness.ts';

const BAD_FRAMES: [string, string | Buffer, boolean?][] = [
  ['null', 'null'],
  ['empty', ''],
  ['not JSON', '{"type":'],
  ['a number', '42'],
  ['a string', '"hello"'],
  ['an array', '[]'],
  ['an object without type', '{}'],
  ['a numeric type', '{"type":5}'],
  ['events_api without payload', '{"type":"events_api","envelope_id":"e1"}'],
  ['events_api without event', '{"type":"events_api","envelope_id":"e2","payload":{}}'],
  ['a command with a null payload', '{"type":"slash_commands","envelope_id":"e3","payload":null}'],
  ['a command without envelope_id', '{"type":"slash_commands","payload":{"command":"/runner","text":"help"}}'],
  [
    'interactive with null actions',
    '{"type":"interactive","envelope_id":"e4","payload":{"type":"block_actions","actions":null,"user":null}}',
  ],
  ['interactive without a type', '{"type":"interactive","envelope_id":"e5","payload":{"actions":[{}]}}'],
  ['an event of an unknown type', '{"type":"events_api","envelope_id":"e6","payload":{"event":{"type":"__proto__"}}}'],
  [
    '__proto__ payload',
    '{"type":"slash_commands","envelope_id":"e7","payload":{"__proto__":{"command":"/runner"},"constructor":{"prototype":{"x":1}}}}',
  ],
  ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['oversize', `{"type":"slash_commands","envelope_id":"e8","payload":{"text":"${'a'.repeat(1_100_000)}"}}`],
  ['binary', Buffer.from([0xff, 0x00, 0x7b]), true],
];

const HELP_ENVELOPE = JSON.stringify({
  type: 'slash_commands',
  envelope_id: 'help-1',
  accepts_response_payload: true,
  payload: {
    command: '/runner',
    text: 'help',
    user_id: 'U0ALICE001',
    channel_id: 'C0OPS00001',
    team_id: 'T0TEAM0001',
    trigger_id: 't-help',
    response_url: 'http://127.0.0.1:9/none',
    token: 'x',
  },
});

let raw: Awaited<ReturnType<typeof startRawSocketMode>>;
let bolt: BoltApp;
const logLines: string[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  raw = await startRawSocketMode();
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
  const deps = {
    policy: { namePattern: '^gitlab-runner-[a-z0-9-]+$' },
    logger,
    scrub: (t: string) => t,
  } as unknown as BotDeps;
  bolt = createBoltApp({
    botToken: 'xoxb-raw',
    apiUrl: raw.apiUrl,
    transport: { mode: 'socket', appToken: 'xapp-raw' },
    deps,
  });
  await bolt.start();
  await until(() => raw.connected());
});

afterAll(async () => {
  await bolt?.stop();
  await raw?.close();
  process.off('unhandledRejection', onRejection);
});

it.each(BAD_FRAMES)('survives %s, logs it, and still answers the next command', async (_name, frame, binary) => {
  const acksBefore = raw.acks.length;
  raw.send(frame, binary ?? false);
  raw.send(HELP_ENVELOPE);
  const ack = await until(() => raw.acks.slice(acksBefore).find((a) => a.envelope_id === 'help-1'));
  expect(JSON.stringify(ack)).toContain('provision');
  expect(rejections).toEqual([]);
});

it('logged each dropped frame', () => {
  expect(logLines.filter((l) => l.includes('malformed Socket Mode frame')).length).toBeGreaterThanOrEqual(12);
});
