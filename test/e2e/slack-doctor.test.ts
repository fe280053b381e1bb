// `/runner doctor` through a real `runnerbot all` over Socket Mode: Slack's ack comes at once
// ("On it…"), then an approver gets one line per check by response_url; anyone else gets a
// refusal naming who may run it. No configured secret (tokens, the SSH private key) is in any answer.
import { readFile, rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER, CHANNEL, OPERATOR, STRANGER, startService, until, type Service } from './slack-harness.ts';

let s: Service;
beforeAll(async () => {
  s = await startService({ mode: 'socket', vmFarm: false });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const slack = () => s.sims.slack;
const answers = (user: string) =>
  slack()
    .ephemerals(user)
    .filter((e) => e.via === 'response_url');
const shown = (answer: { text: string; blocks?: unknown[] }) =>
  (answer.blocks ?? []).map((b) => (b as { text: { text: string } }).text.text).join('\n');

/** Every secret runnerbot was given (the *_FILE variables) and the SSH private key. */
async function configuredSecrets(): Promise<string[]> {
  const files = Object.entries(s.env)
    .filter(([name]) => name.endsWith('_FILE'))
    .map(([, path]) => path);
  const values = await Promise.all([...files, await keyPath()].map((f) => readFile(f, 'utf8')));
  return values.map((v) => v.trim()).filter(Boolean);
}

async function keyPath(): Promise<string> {
  const config = await readFile(s.env.RUNNERBOT_CONFIG!, 'utf8');
  return /^\s*keyPath:\s*(\S+)$/m.exec(config)![1]!;
}

describe('/runner doctor', () => {
  it('acks at once, then answers an approver with one ✓/✗ line per check and no secret', async () => {
    const result = await slack().sendSlashCommand({ text: 'doctor', userId: APPROVER, channelId: CHANNEL });
    expect(result).toMatchObject({ acked: true });
    expect(result.ackMs).toBeLessThan(3000);
    expect(JSON.stringify(result.body)).toContain('On it');
    const [answer] = await until(() => answers(APPROVER).length > 0 && answers(APPROVER), 60_000, 'the doctor answer');
    const text = shown(answer!);
    const [summary, ...lines] = text.split('\n').filter((l) => !l.startsWith('        fix: '));
    expect(summary).toMatch(
      /^(:white_check_mark: runnerbot doctor: all \d+ checks passed|:x: runnerbot doctor: \d+ of \d+ checks failed)$/,
    );
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/^[✓✗] \*[^*]+\*: /);
    expect(text).toContain('✓ *proxmox*: reachable at');
    expect(text).toMatch(/^✓ \*slack scopes\*: /m);
    expect(text).toMatch(/^✓ \*redis\*: /m);
    expect(text).toMatch(/^[✓✗] \*ssh key\*: \S+ /m);
    for (const failed of text.matchAll(/^✗ .*\n(.*)$/gm)) expect(failed[1]).toMatch(/^ {8}fix: \S/);

    // Everything runnerbot sent Slack (Web API calls, response_url bodies, acks).
    const everything = slack().receivedText();
    expect(everything).toContain('runnerbot doctor: ');
    expect(everything).not.toMatch(/glrt-|PRIVATE KEY/);
    const secrets = await configuredSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  }, 90_000);

  it('names a failed check with its fix', async () => {
    const key = await keyPath();
    await rename(key, `${key}.away`);
    try {
      const before = answers(APPROVER).length;
      await slack().sendSlashCommand({ text: 'doctor', userId: APPROVER, channelId: CHANNEL });
      const answer = await until(() => answers(APPROVER)[before], 60_000, 'the second doctor answer');
      expect(answer.text).toMatch(/^:x: runnerbot doctor: 1 of \d+ checks failed$/);
      expect(shown(answer)).toContain(
        `\n✗ *ssh key*: ${key} could not be read\n        fix: create it (ssh-keygen -t ed25519 -f ${key}) readable by runnerbot's user only\n✓ `,
      );
    } finally {
      await rename(`${key}.away`, key);
    }
  }, 90_000);

  it.each([
    ['an operator who is not an approver', OPERATOR],
    ['a stranger', STRANGER],
  ])('refuses %s, naming who may run it, and runs no check', async (_who, user) => {
    const gitlabWrites = () => s.sims.gitlab.requests().filter((r) => r.method !== 'GET').length;
    const before = gitlabWrites();
    await slack().sendSlashCommand({ text: 'doctor', userId: user, channelId: CHANNEL });
    const [answer] = await until(() => answers(user).length > 0 && answers(user), 30_000, 'the refusal');
    expect(answer!.text).toBe(':no_entry: only members of <!subteam^S0APPROVERS> can run `doctor`');
    expect(gitlabWrites()).toBe(before);
  });
});
