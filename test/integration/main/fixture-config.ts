// A valid configuration for `runnerbot all` in a temp dir: the example with test paths and ports.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './processes.ts';

export const PRIVATE_KEY_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';

/** Every secret `runnerbot all` needs today, with values a test can search the output for. */
export const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-testbotsecret',
  SLACK_APP_TOKEN: 'xapp-1-A111-testappsecret',
  PROXMOX_TOKEN_SECRET: '5e1f0a9c-1234-4abc-9def-0123456789ab',
  GITLAB_TOKEN: 'glpat-test-gitlab-secret',
  SLACK_SIGNING_SECRET: 'test-signing-secret-0123',
  ALERTS_TOKEN: 'test-alerts-bearer-secret',
};

export function writeTestConfig(edit: (yaml: string) => string = (y) => y): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runnerbot-config-'));
  writeFileSync(
    join(dir, 'id_ed25519'),
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`,
    { mode: 0o600 },
  );
  writeFileSync(join(dir, 'id_ed25519.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest runnerbot\n');
  writeFileSync(join(dir, 'pve-ca.pem'), TEST_CA_PEM);
  const yaml = readFileSync(join(REPO, 'runnerbot.example.yaml'), 'utf8')
    .replaceAll('/etc/runnerbot/ssh/', `${dir}/`)
    .replace('/etc/runnerbot/certs/pve-ca.pem', `${dir}/pve-ca.pem`)
    .replace('/var/lib/runnerbot/known_hosts', `${dir}/known_hosts`)
    .replace('  host: 0.0.0.0', '  host: 127.0.0.1')
    .replace('  port: 3000', '  port: 0')
    // HTTP mode: Slack calls us, so the process starts without reaching Slack (no network here).
    .replace('  mode: socket', '  mode: http');
  const file = join(dir, 'runnerbot.yaml');
  writeFileSync(file, edit(yaml));
  return { dir, file };
}

/** A CA certificate only read, never used for a connection in these tests. */
const TEST_CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';
