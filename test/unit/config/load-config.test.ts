import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadConfig, type ConfigProblem } from '../../../src/config.ts';
import { toProvisionSettings } from '../../../src/composition/provision-settings.ts';

const EXAMPLE = readFileSync(new URL('../../../runnerbot.example.yaml', import.meta.url), 'utf8');
const PRIVATE_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample runnerbot';

/** An in-memory file system: path -> contents; anything else is ENOENT, as readFileSync would say. */
function files(contents: Record<string, string>) {
  return (path: string) => {
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

const exampleFs = (yaml = EXAMPLE, extra: Record<string, string> = {}) =>
  files({
    './runnerbot.yaml': yaml,
    '/etc/runnerbot/ssh/id_ed25519': PRIVATE_KEY,
    '/etc/runnerbot/ssh/id_ed25519.pub': PUBLIC_KEY,
    ...extra,
  });

const ALL_SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-1111-bot-secret',
  SLACK_APP_TOKEN: 'xapp-1-app-secret',
  PROXMOX_TOKEN_SECRET: '6f1b3c2a-proxmox-secret',
  GITLAB_TOKEN: 'glpat-gitlab-secret',
  ALERTS_TOKEN: 'alerts-bearer-secret',
};

function problems(result: ReturnType<typeof loadConfig>): ConfigProblem[] {
  if (result.ok) throw new Error('expected problems, got a valid configuration');
  return result.error;
}

describe('loadConfig', () => {
  it('accepts the shipped example and maps it to provision settings', () => {
    const result = loadConfig(ALL_SECRETS, exampleFs(), { role: 'all' });
    if (!result.ok) throw new Error(result.error.map((p) => formatProblem('example', p)).join('\n'));
    const { config, secrets, sshPublicKey } = result.value;
    expect(config.proxmox.vmidRange).toEqual({ min: 5000, max: 5999 });
    expect(secrets).toMatchObject({ slackBotToken: ALL_SECRETS.SLACK_BOT_TOKEN, sshPrivateKey: PRIVATE_KEY });
    const settings = toProvisionSettings(config, sshPublicKey!);
    expect(settings.ssh).toEqual({ user: 'runnerbot', publicKey: PUBLIC_KEY, port: 22 });
    expect(settings.timeouts.taskMs).toBe(600_000);
    expect(settings.proxmox.storage).toBe('local-lvm');
  });

  it('takes alerts.port for a listener of its own, unless it is http.port', () => {
    const withPort = (port: number) => EXAMPLE.replace('  # port: 3001', `  port: ${port}`);
    const result = loadConfig(ALL_SECRETS, exampleFs(withPort(3001)), { role: 'bot' });
    expect(result.ok && result.value.config.alerts.port).toBe(3001);
    expect(problems(loadConfig(ALL_SECRETS, exampleFs(withPort(3000)), { role: 'bot' })).map((p) => p.path)).toEqual([
      'alerts.port',
    ]);
  });

  it('reports three mistakes as exactly three messages with path, line and expectation', () => {
    const yaml = EXAMPLE.replace('    max: 5999', '    max: abc')
      .replace('  bridge: vmbr0', '  brigde: vmbr0')
      .replace('  mode: socket', '  mode: sockets');
    const found = problems(loadConfig({}, exampleFs(yaml))).map((p) => formatProblem('runnerbot.yaml', p));
    const lineOf = (text: string) => yaml.split('\n').findIndex((l) => l.includes(text)) + 1;
    expect(found).toEqual([
      `runnerbot.yaml:${lineOf('mode: sockets')}: slack.mode: expected one of socket, http, got "sockets"`,
      `runnerbot.yaml:${lineOf('max: abc')}: proxmox.vmidRange.max: expected a number, got "abc"`,
      `runnerbot.yaml:${lineOf('brigde')}: proxmox.brigde: unknown key (did you mean "bridge"?)`,
    ]);
  });

  it('says what a missing key and an out-of-range number should be', () => {
    const yaml = EXAMPLE.replace('    min: 5000', '    min: 50').replace('  pool: gitlab-runners\n', '');
    expect(problems(loadConfig({}, exampleFs(yaml))).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'proxmox.pool: required: expected a string',
      'proxmox.vmidRange.min: expected a number ≥ 100, got 50',
    ]);
  });

  it('refuses a secret in the file, says where it belongs, and never repeats it', () => {
    const yaml = EXAMPLE.replace(
      '  pool: gitlab-runners',
      '  pool: gitlab-runners\n  tokenSecret: 6f1b3c2a-in-the-file',
    ).replace(
      '  url: https://gitlab.example.com',
      '  url: https://gitlab.example.com\n  registration: glrt-leaked-token',
    );
    const found = problems(loadConfig({}, exampleFs(yaml)));
    expect(found.map((p) => p.path)).toEqual(['proxmox.tokenSecret', 'gitlab.registration']);
    expect(found[0]!.message).toContain('set PROXMOX_TOKEN_SECRET (or PROXMOX_TOKEN_SECRET_FILE) in the environment');
    expect(found[1]!.message).toContain('GITLAB_TOKEN');
    expect(JSON.stringify(found)).not.toMatch(/in-the-file|leaked-token/);
  });

  it('refuses a URL that carries a password, as one mistake, without repeating the password', () => {
    const yaml = EXAMPLE.replace('  url: redis://127.0.0.1:6379', '  url: redis://:redis-pw-in-file@127.0.0.1:6379');
    const found = problems(loadConfig({}, exampleFs(yaml)));
    expect(found).toEqual([
      {
        path: 'redis.url',
        line: yaml.split('\n').findIndex((l) => l.includes('redis-pw-in-file')) + 1,
        message:
          'secrets do not belong in the config file: this URL carries a password; set the whole URL in REDIS_URL instead',
      },
    ]);
  });

  it('names each secret the role needs and that is missing', () => {
    const bot = problems(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-x' }, exampleFs(), { role: 'bot' })).map(
      (p) => p.message,
    );
    expect(bot).toEqual([
      'SLACK_APP_TOKEN (or SLACK_APP_TOKEN_FILE) is not set; runnerbot bot needs it',
      'ALERTS_TOKEN (or ALERTS_TOKEN_FILE, or ALERTS_BASIC_AUTH) is not set; runnerbot bot needs it to accept POST /alerts',
    ]);
    const worker = problems(loadConfig({}, exampleFs(), { role: 'worker' })).map((p) => p.message);
    expect(worker).toEqual([
      'PROXMOX_TOKEN_SECRET (or PROXMOX_TOKEN_SECRET_FILE) is not set; runnerbot worker needs it',
      'GITLAB_TOKEN (or GITLAB_TOKEN_FILE) is not set; runnerbot worker needs it',
    ]);
  });

  it('asks for the signing secret instead of the app token in http mode', () => {
    const yaml = EXAMPLE.replace('  mode: socket', '  mode: http');
    const env = { SLACK_BOT_TOKEN: 'xoxb-1-x', ALERTS_TOKEN: 'alerts-x' };
    expect(problems(loadConfig(env, exampleFs(yaml), { role: 'bot' })).map((p) => p.message)).toEqual([
      'SLACK_SIGNING_SECRET (or SLACK_SIGNING_SECRET_FILE) is not set; runnerbot bot needs it',
    ]);
  });

  it('reads NAME_FILE, and refuses NAME and NAME_FILE together', () => {
    const env = { ...ALL_SECRETS, GITLAB_TOKEN: undefined, GITLAB_TOKEN_FILE: '/run/secrets/gitlab' };
    const result = loadConfig(env, exampleFs(EXAMPLE, { '/run/secrets/gitlab': 'glpat-from-a-file\n' }), {
      role: 'all',
    });
    expect(result.ok && result.value.secrets.gitlabToken).toBe('glpat-from-a-file');
    const both = { ...ALL_SECRETS, GITLAB_TOKEN_FILE: '/run/secrets/gitlab' };
    expect(
      problems(loadConfig(both, exampleFs(EXAMPLE, { '/run/secrets/gitlab': 'x' }), { role: 'all' })).map(
        (p) => p.message,
      ),
    ).toEqual(['GITLAB_TOKEN and GITLAB_TOKEN_FILE are both set; keep one']);
  });

  it('lets the environment override the port, Redis URL and log level, and blames the variable when it is wrong', () => {
    const result = loadConfig({ PORT: '8080', REDIS_URL: 'redis://redis:6379', LOG_LEVEL: 'debug' }, exampleFs());
    expect(
      result.ok && [result.value.config.http.port, result.value.config.redis.url, result.value.config.log.level],
    ).toEqual([8080, 'redis://redis:6379', 'debug']);
    expect(problems(loadConfig({ PORT: 'eighty' }, exampleFs())).map((p) => formatProblem('f', p))).toEqual([
      'PORT: expected a number, got "eighty" (overrides http.port)',
    ]);
  });

  it('reads the file named by RUNNERBOT_CONFIG and says so when it is missing', () => {
    expect(loadConfig({ RUNNERBOT_CONFIG: '/etc/rb.yaml' }, files({ '/etc/rb.yaml': EXAMPLE })).ok).toBe(true);
    expect(problems(loadConfig({ RUNNERBOT_CONFIG: '/nope.yaml' }, files({})))[0]!.message).toMatch(
      /^cannot read the config file \/nope.yaml \(ENOENT\)/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const [problem] = problems(loadConfig({}, exampleFs('http:\n  port: 1\n bad: [\n')));
    expect(problem!.line).toBeGreaterThan(0);
    expect(problem!.message).toMatch(/^YAML syntax:/);
  });
});
