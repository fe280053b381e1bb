// Secrets come only from the environment (NAME or NAME_FILE) and, for SSH, from the key file
// named in the config. Which ones are required depends on what the process runs.

export type Env = Record<string, string | undefined>;
export type ReadFile = (path: string) => string;
/** What a process runs: `bot` talks to Slack, `worker` to Proxmox, GitLab and the VMs. */
export type Role = 'bot' | 'worker' | 'all';

export interface Secrets {
  slackBotToken?: string;
  slackAppToken?: string;
  slackSigningSecret?: string;
  proxmoxTokenSecret?: string;
  gitlabToken?: string;
  alertsToken?: string;
  /** `user:pass` for POST /alerts, as an alternative to the bearer token. */
  alertsBasicAuth?: string;
  /** For the data nodes behind redis.sentinel or redis.cluster (with redis.url, the URL carries it). */
  redisPassword?: string;
  redisSentinelPassword?: string;
  sshPrivateKey?: string;
}

type EnvSecret = Exclude<keyof Secrets, 'sshPrivateKey'>;

export const SECRET_VARIABLES: Record<EnvSecret, string> = {
  slackBotToken: 'SLACK_BOT_TOKEN',
  slackAppToken: 'SLACK_APP_TOKEN',
  slackSigningSecret: 'SLACK_SIGNING_SECRET',
  proxmoxTokenSecret: 'PROXMOX_TOKEN_SECRET',
  gitlabToken: 'GITLAB_TOKEN',
  alertsToken: 'ALERTS_TOKEN',
  alertsBasicAuth: 'ALERTS_BASIC_AUTH',
  redisPassword: 'REDIS_PASSWORD',
  redisSentinelPassword: 'REDIS_SENTINEL_PASSWORD',
};

export interface SecretNeeds {
  /** Undefined: require nothing, read what is there (for `config check`). */
  role?: Role;
  slackMode: 'socket' | 'http';
  sshKeyPath?: string;
}

export const runsBot = (role: Role | undefined): boolean => role === 'bot' || role === 'all';
export const runsWorker = (role: Role | undefined): boolean => role === 'worker' || role === 'all';

function requiredVariables(needs: SecretNeeds): EnvSecret[] {
  const required: EnvSecret[] = [];
  if (runsBot(needs.role)) {
    required.push('slackBotToken', needs.slackMode === 'socket' ? 'slackAppToken' : 'slackSigningSecret');
  }
  if (runsWorker(needs.role)) required.push('proxmoxTokenSecret', 'gitlabToken');
  return required;
}

const roleText = (role: Role | undefined) => `runnerbot ${role ?? ''}`.trim();

function readVariable(env: Env, readFile: ReadFile, name: string): { value?: string; problem?: string } {
  const direct = env[name];
  const path = env[`${name}_FILE`];
  if (direct && path) return { problem: `${name} and ${name}_FILE are both set; keep one` };
  if (direct) return { value: direct };
  if (!path) return {};
  try {
    const value = readFile(path).trim();
    return value ? { value } : { problem: `${name}_FILE (${path}) is empty` };
  } catch (error) {
    return {
      problem: `${name}_FILE (${path}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    };
  }
}

function readPrivateKey(readFile: ReadFile, keyPath: string): { value?: string; problem?: string } {
  try {
    const value = readFile(keyPath);
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value))
      return { problem: `ssh.keyPath (${keyPath}) does not hold a private key` };
    return { value };
  } catch (error) {
    return {
      problem: `ssh.keyPath (${keyPath}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    };
  }
}

/** Reads every secret; reports each required one that is missing, by name. */
export function readSecrets(
  env: Env,
  readFile: ReadFile,
  needs: SecretNeeds,
): { secrets: Secrets; problems: string[] } {
  const secrets: Secrets = {};
  const problems: string[] = [];
  const required = requiredVariables(needs);
  for (const [key, name] of Object.entries(SECRET_VARIABLES) as [EnvSecret, string][]) {
    const { value, problem } = readVariable(env, readFile, name);
    if (problem) problems.push(problem);
    else if (value) secrets[key] = value;
    else if (required.includes(key))
      problems.push(`${name} (or ${name}_FILE) is not set; ${roleText(needs.role)} needs it`);
  }
  if (
    runsBot(needs.role) &&
    !secrets.alertsToken &&
    !secrets.alertsBasicAuth &&
    !problems.some((p) => p.startsWith('ALERTS_'))
  ) {
    problems.push(
      `ALERTS_TOKEN (or ALERTS_TOKEN_FILE, or ALERTS_BASIC_AUTH) is not set; ${roleText(needs.role)} needs it to accept POST /alerts`,
    );
  }
  if (runsWorker(needs.role) && needs.sshKeyPath) {
    const { value, problem } = readPrivateKey(readFile, needs.sshKeyPath);
    if (problem) problems.push(problem);
    else secrets.sshPrivateKey = value;
  }
  if (secrets.alertsBasicAuth && !secrets.alertsBasicAuth.includes(':'))
    problems.push('ALERTS_BASIC_AUTH must have the form user:password');
  return { secrets, problems };
}

/** Every secret value, for the log and output scrubber. */
export function secretValues(secrets: Secrets): string[] {
  const values: string[] = Object.values(secrets).filter((v): v is string => typeof v === 'string' && v.length > 0);
  const basicPassword = secrets.alertsBasicAuth?.split(':').slice(1).join(':');
  if (basicPassword) values.push(basicPassword);
  return values;
}

/** Which secrets are set, never their values: `{ SLACK_BOT_TOKEN: '***', GITLAB_TOKEN: '(not set)' }`. */
export function describeSecrets(secrets: Secrets): Record<string, string> {
  const described: Record<string, string> = {};
  for (const [key, name] of Object.entries(SECRET_VARIABLES) as [EnvSecret, string][])
    described[name] = secrets[key] ? '***' : '(not set)';
  described['ssh private key (ssh.keyPath)'] = secrets.sshPrivateKey ? '***' : '(not read)';
  return described;
}
