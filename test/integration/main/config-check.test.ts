// `runnerbot config check` as a real process: the example passes, mistakes are listed, secrets never printed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRIVATE_KEY_BODY, SECRETS, writeTestConfig } from './fixture-config.ts';
import { runRunnerbot } from './processes.ts';

async function configCheck(args: string[], env: Record<string, string> = {}) {
  const run = runRunnerbot(['config', 'check', ...args], env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('runnerbot config check', () => {
  it('accepts the shipped example', async () => {
    const { code, stdout } = await configCheck(['runnerbot.example.yaml']);
    expect(code).toBe(0);
    expect(stdout).toContain('# runnerbot.example.yaml: OK');
    expect(stdout).toContain('SLACK_BOT_TOKEN: (not set)');
  });

  it('lists three mistakes as three precise lines and exits 1', async () => {
    const { file } = writeTestConfig((yaml) =>
      yaml
        .replace('    max: 5999', '    max: lots')
        .replace('  templateNode: pve1', '  templateNod: pve1')
        .replace('  knownHosts: accept-new', '  knownHosts: sometimes'),
    );
    const { code, stdout, stderr } = await configCheck([file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    const lineOf = (text: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(text)) + 1;
    expect(lines).toEqual([
      `${file}: 3 problem(s)`,
      `${file}:${lineOf('templateNod:')}: proxmox.templateNod: unknown key (did you mean "templateNode"?)`,
      `${file}:${lineOf('max: lots')}: proxmox.vmidRange.max: expected a number, got "lots"`,
      `${file}:${lineOf('sometimes')}: ssh.knownHosts: expected one of accept-new, strict, off, got "sometimes"`,
    ]);
  });

  it('prints the effective configuration with every secret masked, and none of their values', async () => {
    const { file } = writeTestConfig();
    const env = {
      ...SECRETS,
      REDIS_URL: 'redis://:redis-pw-secret@127.0.0.1:6379/0',
      ALERTS_BASIC_AUTH: 'alertmanager:basic-pw-secret',
    };
    const { code, stdout, stderr } = await configCheck([file, '--for', 'all'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('SLACK_BOT_TOKEN: "***"');
    expect(stdout).toContain('ssh private key (ssh.keyPath): "***"');
    expect(stdout).toContain('url: redis://:***@127.0.0.1:6379/0');
    for (const secret of [...Object.values(SECRETS), 'redis-pw-secret', 'basic-pw-secret', PRIVATE_KEY_BODY])
      expect(stdout).not.toContain(secret);
  });

  it('refuses a secret written into the file without echoing it', async () => {
    const { file } = writeTestConfig((yaml) =>
      yaml.replace('slack:\n', `slack:\n  botToken: ${SECRETS.SLACK_BOT_TOKEN}\n`),
    );
    const { code, stdout, stderr } = await configCheck([file]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'slack.botToken: secrets do not belong in the config file: remove it and set SLACK_BOT_TOKEN (or SLACK_BOT_TOKEN_FILE) in the environment',
    );
    expect(stdout + stderr).not.toContain(SECRETS.SLACK_BOT_TOKEN);
  });
});
