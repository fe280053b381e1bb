// /slack/events against requests an attacker can make: a captured signature with `=x` appended
// (Bolt still verifies it) is a replay; an unsigned body is refused before it is read; a signed
// body past the limit is refused before it is verified; and a command without a trigger_id does
// not make the next one vanish.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { slackSignature } from '../../../sim/slack/signing.ts';
import { ALICE, OPS, startBotHarness, until, type BotHarness } from './listener-harness.ts';

let h: BotHarness;
afterEach(() => h.close());

/** POSTs `form` to /slack/events, signed now with the workspace's secret (or the given headers). */
async function post(form: string, headers?: Record<string, string>) {
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(h.requestUrl!, {
    method: 'POST',
    headers: headers ?? {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(h.sim.signingSecret, timestamp, form),
    },
    body: form,
  });
  return res.status;
}

/** A recorded slash command's form, with `text` replaced and `trigger_id` left out. */
async function commandForm(text: string): Promise<string> {
  const recorded = await h.sim.sendSlashCommand({ text: 'help', userId: ALICE, channelId: OPS });
  const form = new URLSearchParams(recorded.request!.body);
  form.set('text', text);
  form.delete('trigger_id');
  return form.toString();
}

describe('signatures', () => {
  it('refuses a replay whose signature header was changed but still verifies (v0=<hex>=x)', async () => {
    h = await startBotHarness({ transport: 'http' });
    const list = await h.sim.sendSlashCommand({ text: 'list', userId: ALICE, channelId: OPS });
    expect(list).toMatchObject({ acked: true, status: 200 });
    const { headers } = list.request!;
    for (const changed of [
      `${headers['x-slack-signature']}=x`,
      `${headers['x-slack-signature']}==`,
      headers['x-slack-signature']!.toUpperCase().replace('V0', 'v0'),
    ]) {
      expect(
        await h.sim.replay({ ...list.request!, headers: { ...headers, 'x-slack-signature': changed } }),
      ).toMatchObject({ acked: false, status: 401 });
    }
  });

  it('answers 401 to an unsigned body before reading it', async () => {
    h = await startBotHarness({ transport: 'http' });
    const url = new URL(h.requestUrl!);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 4 * 1024 * 1024 },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      // Only the first 64 KB of the announced 4 MB are ever sent: an answer proves nothing more was awaited.
      req.write(Buffer.alloc(64 * 1024, 0x61));
    });
    expect(status).toBe(401);
  });

  it('answers 413 to a signed body past the limit, before verifying it', async () => {
    h = await startBotHarness({ transport: 'http' });
    expect(await post(`text=${'a'.repeat(600 * 1024)}`)).toBe(413);
  });
});

describe('trigger_id', () => {
  it('a command without a trigger_id does not suppress the next one', async () => {
    h = await startBotHarness({ transport: 'http' });
    expect(await post(await commandForm('provision gitlab-runner-07'))).toBe(200);
    expect(await post(await commandForm('provision gitlab-runner-08'))).toBe(200);
    await until(async () => (await h.jobIds()).length === 2);
    const runs = await h.stores.runs.recent(10);
    expect(runs.map((r) => r.runner).sort()).toEqual(['gitlab-runner-07', 'gitlab-runner-08']);
  });
});
