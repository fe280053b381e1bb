// The hostile-input table: well over 100 inputs through the bot's real entry points (signed
// slash commands, button clicks with tampered values, raw POSTs to /slack/events with forged,
// replayed or modified signatures and malformed bodies). Each must get a clear refusal or a
// literal, escaped echo; nothing may change state, no rejection may go unhandled, and the event
// loop may never be kept busy for 100 ms or more by the process' own work
// (perf_hooks.monitorEventLoopDelay with each late tick charged the CPU time it used: see
// test/support/loop-blocking.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../../../sim/slack/signing.ts';
import { HOSTILE_TEXTS } from '../../support/hostile-texts.ts';
import { watchLoopBlocking, type LoopWatch } from '../../support/loop-blocking.ts';
import { ALICE, BOB, OPS, startBotHarness, until, type BotHarness } from './listener-harness.ts';

let h: BotHarness;
let loop: LoopWatch;
let cardTs: string;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

/** Live mrkdwn from outside: a special mention, a user or channel mention, or a link. */
const LIVE = /<!(channel|here|everyone|subteam)|<@U0ADMIN|<#C0GENERAL|<https:\/\/evil|<mailto:/;

const EXTRA_TEXTS = [
  'a'.repeat(1_000_000),
  `status ${'b'.repeat(100_000)}`,
  '\u0000\u0001\u001b[2K\u001b]8;;https://evil.example\u0007',
  'status \u202egitlab-runner-02',
  'status gitlab\u2010runner\u201102',
  'ѕtatus gitlab-runner-02',
  'status ｇｉｔｌａｂ-runner-02',
  '__proto__',
  'constructor',
  'status __proto__',
  'provision gitlab-runner-07 --profile __proto__',
  'provision gitlab-runner-07 --cores 1e309',
  'provision gitlab-runner-07 --memory -1',
  `provision gitlab-runner-07 --tags ${'x,'.repeat(5000)}`,
  'provision gitlab-runner-07 --node "$(reboot)"',
  "provision 'gitlab-runner-07; rm -rf /'",
  `status ${'(a+)+'.repeat(20)}!`,
  `provision ${'a'.repeat(60)}${'-'.repeat(30)}!`,
  '"unclosed',
  '--reason',
];

const TEMPLATES = [
  (t: string) => t,
  (t: string) => `status ${t}`,
  (t: string) => `audit ${t}`,
  (t: string) => `provision ${t}`,
  (t: string) => `deprovision gitlab-runner-02 --dry-run --reason ${t}`,
];

const COMMANDS = [...HOSTILE_TEXTS.flatMap((t) => TEMPLATES.map((make) => make(t))), ...EXTRA_TEXTS];

async function texts(userId: string, before: number): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 5));
  return h.sim
    .ephemerals(userId)
    .slice(before)
    .map((e) => e.text);
}

async function rawPost(body: string, headers: Record<string, string>): Promise<number> {
  return (await fetch(h.requestUrl!, { method: 'POST', headers, body })).status;
}

const signed = (
  body: string,
  contentType = 'application/x-www-form-urlencoded',
  timestamp = Math.floor(Date.now() / 1000),
) => ({
  'content-type': contentType,
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': slackSignature(h.sim.signingSecret, timestamp, body),
});

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  h = await startBotHarness({ transport: 'http' });
  // The one legitimate change: an approval card, whose buttons the tampered clicks aim at.
  await h.sim.sendSlashCommand({
    text: 'deprovision gitlab-runner-02 --reason <!channel> <https://evil.example/login|Approve in GitLab> <!here>',
    userId: ALICE,
    channelId: OPS,
  });
  cardTs = (
    await until(() =>
      h.sim
        .channel(OPS)
        .messages()
        .find((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve')),
    )
  ).ts;
  loop = watchLoopBlocking();
});

let seen = 0;
afterEach((ctx) => {
  if (loop && loop.maxBlockedMs() > seen) {
    seen = loop.maxBlockedMs();
    if (process.env.DEBUG_DELAY)
      console.log('max blocking now', seen.toFixed(0), 'ms after', ctx.task.suite?.name, ctx.task.name);
  }
});

afterAll(async () => {
  loop?.stop();
  process.off('unhandledRejection', onRejection);
  await h?.close();
});

describe('the approval card of a hostile --reason', () => {
  it('shows the reason literally, escaped, and nothing in it is live', () => {
    const card = h.sim
      .channel(OPS)
      .messages()
      .find((m) => m.ts === cardTs)!;
    const shown = `${card.text}${JSON.stringify(card.blocks)}`;
    expect(shown).not.toMatch(LIVE);
    expect(shown).toContain('&lt;!channel&gt; &lt;https://evil.example/login|Approve in GitLab&gt; &lt;!here&gt;');
  });
});

describe.each(COMMANDS.map((text) => [text.length > 80 ? `${text.slice(0, 60)}… (${text.length} chars)` : text, text]))(
  '/runner %j',
  (_label, text) => {
    it('is answered with a refusal or an escaped echo, never live mrkdwn', async () => {
      const before = h.sim.ephemerals(ALICE).length;
      const result = await h.sim.sendSlashCommand({ text, userId: ALICE, channelId: OPS });
      // Past the body limit (only a forged or hand-made request gets there), the answer is 413.
      expect(result.status).toBe(text.length > 500_000 ? 413 : 200);
      const answers = [JSON.stringify(result.body), ...(await texts(ALICE, before))];
      for (const answer of answers) expect(answer).not.toMatch(LIVE);
    });
  },
);

const TAMPERED = [
  '<!channel>',
  '__proto__',
  'constructor',
  '',
  ' ',
  'r_does_not_exist',
  '../../etc/passwd',
  '{"$ne":null}',
  `${'x'.repeat(10_000)}`,
  'gitlab-runner-02; reboot',
  '<@U0ADMIN001>',
];

describe.each(TAMPERED.map((v) => [v.length > 40 ? `${v.slice(0, 20)}… (${v.length} chars)` : v, v]))(
  'a button with the tampered value %j',
  (_label, value) => {
    it.each(['approval_approve', 'approval_deny'])(
      '%s changes nothing and answers without live mrkdwn',
      async (actionId) => {
        const before = h.sim.ephemerals(BOB).length;
        const result = await h.sim.sendBlockAction({ userId: BOB, channelId: OPS, messageTs: cardTs, actionId, value });
        expect(result.status).toBe(200);
        for (const answer of await texts(BOB, before)) expect(answer).not.toMatch(LIVE);
      },
    );
  },
);

describe('raw requests to /slack/events', () => {
  const form = 'command=%2Frunner&text=help&user_id=U0ALICE001&channel_id=C0OPS00001&trigger_id=t.1';
  const now = () => Math.floor(Date.now() / 1000);
  const rows: [string, () => Promise<number>, number][] = [
    ['no signature', () => rawPost(form, { 'content-type': 'application/x-www-form-urlencoded' }), 401],
    ['a forged signature', () => rawPost(form, { ...signed(form), 'x-slack-signature': `v0=${'0'.repeat(64)}` }), 401],
    [
      'a signature with =x appended',
      () => rawPost(form, { ...signed(form), 'x-slack-signature': `${signed(form)['x-slack-signature']}=x` }),
      401,
    ],
    [
      'a v1 signature',
      () =>
        rawPost(form, {
          ...signed(form),
          'x-slack-signature': signed(form)['x-slack-signature'].replace('v0=', 'v1='),
        }),
      401,
    ],
    [
      'a 1 MB signature header',
      () => rawPost(form, { ...signed(form), 'x-slack-signature': `v0=${'a'.repeat(16_000)}` }),
      401,
    ],
    ['a stale timestamp', () => rawPost(form, signed(form, undefined, now() - 600)), 401],
    ['a future timestamp', () => rawPost(form, signed(form, undefined, now() + 600)), 401],
    [
      'a timestamp that is not a number',
      () => rawPost(form, { ...signed(form), 'x-slack-request-timestamp': '1e99' }),
      401,
    ],
    [
      'a modified body under a valid signature',
      () => rawPost(`${form}&text=provision+gitlab-runner-09`, signed(form)),
      401,
    ],
    [
      // Acked (the ack does not wait for Redis), then refused before any work: listener-receivers.test.ts.
      'a replay',
      async () => {
        const headers = signed(form.replace('t.1', 't.replay'));
        await rawPost(form.replace('t.1', 't.replay'), headers);
        return rawPost(form.replace('t.1', 't.replay'), headers);
      },
      200,
    ],
    [
      'an oversize signed body',
      () => rawPost(`text=${'a'.repeat(600_000)}`, signed(`text=${'a'.repeat(600_000)}`)),
      413,
    ],
    ['payload that is not JSON', () => rawPost('payload=%7Bnot-json', signed('payload=%7Bnot-json')), 400],
    ['payload null', () => rawPost('payload=null', signed('payload=null')), 400],
    [
      'a deeply nested payload',
      () => {
        const body = `payload=${encodeURIComponent(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)}`;
        return rawPost(body, signed(body));
      },
      400,
    ],
    [
      'a __proto__ payload',
      () => {
        const body = `payload=${encodeURIComponent('{"type":"block_actions","__proto__":{"isAdmin":true},"actions":[{"action_id":"approval_approve","value":"__proto__"}],"user":{"id":"U0BOB00001"}}')}`;
        return rawPost(body, signed(body));
      },
      200,
    ],
    ['a JSON event without a type', () => rawPost('{"event":null}', signed('{"event":null}', 'application/json')), 400],
  ];
  it.each(rows)('%s is refused (%#)', async (_name, send, status) => {
    expect(await send()).toBe(status);
  });
});

describe('after every hostile input', () => {
  it('nothing changed: one run (the card), awaiting approval; no job; the bot still answers', async () => {
    const runs = await h.stores.runs.recent(50);
    expect(runs.map((r) => [r.runner, r.status])).toEqual([['gitlab-runner-02', 'awaiting_approval']]);
    expect(await h.jobIds()).toEqual([]);
    expect(await h.sim.sendSlashCommand({ text: 'help', userId: ALICE, channelId: OPS })).toMatchObject({
      acked: true,
      status: 200,
    });
    expect(rejections).toEqual([]);
    expect(COMMANDS.length + TAMPERED.length * 2 + 16).toBeGreaterThanOrEqual(100);
  });

  it('the event loop was never blocked for 100 ms by runnerbot’s own work', () => {
    console.log(
      `event loop: at most ${loop.maxBlockedMs().toFixed(0)} ms busy with this process' work; monitorEventLoopDelay max ${loop.maxDelayMs().toFixed(0)} ms (scheduling included)`,
    );
    expect(loop.maxBlockedMs()).toBeLessThan(100);
  });
});
