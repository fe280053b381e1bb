import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackSim, type SlackSim } from './index.ts';
import { ALICE, APPROVERS, BOB, OPS, testWorkspace } from './test-support.ts';

let sim: SlackSim;
let slack: WebClient;
const client = (token: string) =>
  new WebClient(token, { slackApiUrl: sim.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });

async function slackError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as WebAPIPlatformError | undefined;
  expect(error?.code).toBe('slack_webapi_platform_error');
  return (error as WebAPIPlatformError).data;
}

beforeEach(async () => {
  sim = await startSlackSim({ ...testWorkspace, rateLimits: false });
  slack = client(sim.botToken);
});
afterEach(() => sim.close());

describe('Slack Web API simulator through @slack/web-api', () => {
  it('posts messages and threads with unique increasing ts', async () => {
    const root = await slack.chat.postMessage({ channel: OPS, text: 'Provisioning gitlab-runner-02' });
    expect(root.ts).toMatch(/^\d{10}\.\d{6}$/);
    const reply = await slack.chat.postMessage({ channel: OPS, thread_ts: root.ts as string, text: 'step 1/12' });
    const second = await slack.chat.postMessage({ channel: OPS, thread_ts: root.ts as string, text: 'step 2/12' });
    expect(Number(reply.ts)).toBeGreaterThan(Number(root.ts));
    expect(Number(second.ts)).toBeGreaterThan(Number(reply.ts));

    const replies = await slack.conversations.replies({ channel: OPS, ts: root.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(['Provisioning gitlab-runner-02', 'step 1/12', 'step 2/12']);
    expect(replies.messages?.[0]?.reply_count).toBe(2);
    const history = await slack.conversations.history({ channel: OPS });
    expect(history.messages?.map((m) => m.text)).toEqual(['Provisioning gitlab-runner-02']);
    expect(sim.thread(OPS, root.ts as string)).toHaveLength(3);
    expect(await slack.chat.postMessage({ channel: '#ops', text: 'by name' })).toMatchObject({ channel: OPS });
  });

  it('updates a message and keeps its earlier versions for tests', async () => {
    const posted = await slack.chat.postMessage({ channel: OPS, text: ':hourglass: running' });
    const updated = await slack.chat.update({ channel: OPS, ts: posted.ts as string, text: ':white_check_mark: done' });
    expect(updated.text).toBe(':white_check_mark: done');
    const [message] = sim.channel(OPS).messages();
    expect(message?.text).toBe(':white_check_mark: done');
    expect(message?.history.map((h) => h.text)).toEqual([':hourglass: running']);
    expect(await slackError(slack.chat.update({ channel: OPS, ts: '1.000001', text: 'x' }))).toMatchObject({
      error: 'message_not_found',
    });
  });

  it('answers a missing or unknown channel as Slack does', async () => {
    expect(await slackError(slack.apiCall('chat.postMessage', { text: 'no channel' }))).toMatchObject({
      error: 'channel_not_found',
    });
    expect(await slackError(slack.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toMatchObject({
      error: 'channel_not_found',
    });
    const absent = await slackError(slack.apiCall('conversations.info', {}));
    expect(absent).toMatchObject({ error: 'invalid_arguments' });
    expect(absent.response_metadata?.messages).toEqual(['[ERROR] missing required field: channel']);
    expect(await slackError(slack.apiCall('chat.postMessage', { channel: OPS }))).toMatchObject({ error: 'no_text' });
  });

  it('refuses a missing token, a bad token, the wrong token type and a missing scope', async () => {
    expect(await slackError(client('').auth.test())).toMatchObject({ error: 'not_authed' });
    expect(await slackError(client('xoxb-forged').auth.test())).toMatchObject({ error: 'invalid_auth' });
    expect(await slackError(client(sim.appToken).chat.postMessage({ channel: OPS, text: 'x' }))).toMatchObject({
      error: 'not_allowed_token_type',
    });
    expect(await slackError(slack.apps.connections.open())).toMatchObject({ error: 'not_allowed_token_type' });
    await sim.close();
    sim = await startSlackSim({ ...testWorkspace, scopes: ['chat:write'] });
    const narrow = client(sim.botToken);
    expect(await slackError(narrow.usergroups.users.list({ usergroup: APPROVERS }))).toMatchObject({
      error: 'missing_scope',
      needed: 'usergroups:read',
    });
  });

  it('rejects 51 blocks and a section over 3000 characters with invalid_blocks', async () => {
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    const tooMany = await slackError(
      slack.chat.postMessage({ channel: OPS, text: 'x', blocks: Array.from({ length: 51 }, () => section('a')) }),
    );
    expect(tooMany).toMatchObject({ error: 'invalid_blocks' });
    expect(tooMany.response_metadata?.messages).toEqual(['[ERROR] must be less than 51 items [json-pointer:/blocks]']);
    const tooLong = await slackError(
      slack.chat.postMessage({ channel: OPS, text: 'x', blocks: [section('a'.repeat(3001))] }),
    );
    expect(tooLong.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    await slack.chat.postMessage({
      channel: OPS,
      text: 'x',
      blocks: Array.from({ length: 50 }, () => section('a'.repeat(3000))),
    });
    expect(await slackError(slack.chat.postMessage({ channel: OPS, text: 'a'.repeat(40_001) }))).toMatchObject({
      error: 'msg_too_long',
    });
    expect(sim.channel(OPS).messages()).toHaveLength(1);
  });

  it('answers an unknown method with unknown_method', async () => {
    expect(await slackError(slack.apiCall('chat.nonexistent', {}))).toMatchObject({ error: 'unknown_method' });
  });

  it('lists user groups and their members, and users', async () => {
    const members = await slack.usergroups.users.list({ usergroup: APPROVERS });
    expect(members.users).toEqual([BOB]);
    const groups = await slack.usergroups.list({ include_users: true });
    expect(groups.usergroups?.[0]).toMatchObject({ id: APPROVERS, handle: 'runner-approvers', users: [BOB] });
    expect(await slackError(slack.usergroups.users.list({ usergroup: 'S0NOPE' }))).toMatchObject({
      error: 'no_such_subteam',
    });
    const alice = await slack.users.info({ user: ALICE });
    expect(alice.user).toMatchObject({ id: ALICE, name: 'alice', real_name: 'Alice Operator' });
  });

  it('records ephemerals per user, App Home views and permalinks', async () => {
    await slack.chat.postEphemeral({ channel: OPS, user: ALICE, text: 'only for Alice' });
    expect(sim.ephemerals(ALICE).map((e) => e.text)).toEqual(['only for Alice']);
    expect(sim.ephemerals(BOB)).toEqual([]);
    await slack.views.publish({
      user_id: ALICE,
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Fleet' } }] },
    });
    expect(sim.homeView(ALICE)?.view).toMatchObject({ type: 'home' });
    const posted = await slack.chat.postMessage({ channel: OPS, text: 'x' });
    const link = await slack.chat.getPermalink({ channel: OPS, message_ts: posted.ts as string });
    expect(link.permalink).toBe(`${sim.url}/archives/${OPS}/p${(posted.ts as string).replace('.', '')}`);
  });

  it('logs what it received without the caller token', async () => {
    await slack.chat.postMessage({ channel: OPS, text: 'hello' });
    expect(sim.received.at(-1)).toMatchObject({
      kind: 'api',
      name: 'chat.postMessage',
      args: { channel: OPS, text: 'hello' },
    });
    expect(sim.receivedText()).not.toContain(sim.botToken);
  });
});
