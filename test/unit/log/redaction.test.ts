import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../../../src/log.ts';

const SLACK = 'xoxb-2222-configured-bot-token';
const PROXMOX = 'c0ffee00-1234-configured-pve-secret';
const WITH_QUOTE = 'pa"ss\\word-configured';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAexample\nlinetwo\n-----END RSA PRIVATE KEY-----';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    secrets: [SLACK, PROXMOX, WITH_QUOTE],
    destination: { write: (line: string) => lines.push(line) },
  });
  return { logger, lines, text: () => lines.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object per line', () => {
    const { logger, lines } = capture();
    logger.info({ runId: 'r_1', step: 'clone' }, 'step passed');
    logger.warn('second');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', runId: 'r_1', step: 'clone', msg: 'step passed' });
  });

  it('redacts sensitive keys at any depth, keeping tokenId', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        request: {
          headers: { Authorization: 'opaque-1', 'PRIVATE-TOKEN': 'opaque-2' },
          body: [{ password: 'opaque-3', runnerToken: 'opaque-4' }],
        },
        proxmox: { tokenId: 'rb@pve!rb' },
        privateKey: 'opaque-5',
      },
      'call',
    );
    const line = JSON.parse(lines[0]!);
    expect(line.request.headers).toEqual({ Authorization: '***', 'PRIVATE-TOKEN': '***' });
    expect(line.request.body).toEqual([{ password: '***', runnerToken: '***' }]);
    expect(line.privateKey).toBe('***');
    expect(line.proxmox.tokenId).toBe('rb@pve!rb');
    expect(lines[0]).not.toMatch(/opaque-/);
  });

  it('scrubs configured secret values from messages, nested strings and error messages and stacks', () => {
    const { logger, text } = capture();
    logger.info({ detail: { note: `sent ${SLACK} to slack`, list: [`x${PROXMOX}y`] } }, `message with ${SLACK}`);
    logger.error({ err: new Error(`proxmox said no to ${PROXMOX}`, { cause: new Error(`inner ${SLACK}`) }) }, 'failed');
    logger.error(new Error(`top-level ${WITH_QUOTE}`));
    logger.child({ token: SLACK, bound: `bound ${PROXMOX}` }).info('child');
    expect(text()).not.toContain('configured');
    expect(text()).toContain('proxmox said no to ***');
    expect(text()).toContain('"msg":"message with ***"');
  });

  it('scrubs token shapes it was not told about: GitLab, Slack, PVEAPIToken, PEM keys, URL passwords', () => {
    const { logger, text } = capture();
    logger.info(
      {
        out: 'registered glrt-t1_abcDEF123 as runner 7',
        header: 'PVEAPIToken=rb@pve!rb=aaaa-bbbb',
        app: 'xapp-1-A0-99',
        user: 'xoxp-1-2-3',
      },
      'x',
    );
    logger.info({ key: { pem: PEM }, url: 'redis://:s3cretpw@redis:6379/0' }, 'y');
    const out = text();
    for (const leaked of [
      't1_abcDEF123',
      'aaaa-bbbb',
      'xapp-1-A0-99',
      'xoxp-1-2-3',
      'MIIEowIBAAKCAQEAexample',
      'linetwo',
      's3cretpw',
    ])
      expect(out).not.toContain(leaked);
    expect(out).toContain('PVEAPIToken=rb@pve!rb=***');
    expect(out).toContain('redis://:***@redis:6379/0');
  });
});

describe('scrubSecrets', () => {
  it('masks configured values and token shapes in plain text and leaves the rest', () => {
    const text = `token ${SLACK}, key\n${PEM}\nrunner glrt-abc123, Authorization: Bearer eyJhbGciOi.x.y done`;
    expect(scrubSecrets(text, [SLACK])).toBe(
      'token ***, key\n-----BEGIN RSA PRIVATE KEY-----***\nrunner ***, Authorization: Bearer *** done',
    );
  });

  it('does not mask very short values that would garble every line', () => {
    expect(scrubSecrets('a b c', ['a'])).toBe('a b c');
  });
});
