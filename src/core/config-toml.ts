// Renders /etc/gitlab-runner/config.toml from a RunnerSpec. Every value goes through tomlString,
// so whatever a profile holds (quotes, `$(…)`, newlines) arrives as data, never as syntax.
import type { RunnerSpec } from './spec.ts';

export interface ConfigTomlInput {
  spec: RunnerSpec;
  gitlabUrl: string;
  /** The runner's id in GitLab, as `gitlab-runner register` writes it. */
  runnerId: number;
  token: string;
  /** When the token was obtained (ms since epoch). */
  tokenObtainedAt: number;
  /** When GitLab says the token expires (ISO 8601), or null when it does not. */
  tokenExpiresAt: string | null;
}

/** A TOML offset date-time as gitlab-runner writes its token times (RFC 3339, whole seconds, UTC); Go's zero time for "never". */
export function tomlTime(at: number | string | null): string {
  if (at === null) return '0001-01-01T00:00:00Z';
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** A TOML basic string: quotes, backslashes and control characters escaped. */
export function tomlString(value: string): string {
  const body = value.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
    /["\\\u0000-\u001f\u007f]/g,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`,
  );
  return `"${body}"`;
}

const tomlList = (values: readonly string[]): string => `[${values.map(tomlString).join(', ')}]`;

// The token fields sit as `gitlab-runner register` writes them (common/config.go RunnerCredentials):
// with `token_expires_at` set, gitlab-runner rotates the token itself before it expires.
export function renderConfigToml({
  spec,
  gitlabUrl,
  runnerId,
  token,
  tokenObtainedAt,
  tokenExpiresAt,
}: ConfigTomlInput): string {
  return [
    '# Written by runnerbot; local changes are overwritten on the next provision.',
    `concurrent = ${spec.concurrency}`,
    'check_interval = 0',
    'shutdown_timeout = 0',
    `listen_address = ${tomlString(':9252')}`,
    '',
    '[[runners]]',
    `  name = ${tomlString(spec.name)}`,
    `  url = ${tomlString(gitlabUrl)}`,
    `  id = ${runnerId}`,
    ...tokenLines({ token, tokenObtainedAt, tokenExpiresAt }),
    `  executor = "docker"`,
    `  limit = ${spec.concurrency}`,
    '  [runners.docker]',
    `    image = ${tomlString(spec.defaultImage)}`,
    `    privileged = ${spec.privileged ? 'true' : 'false'}`,
    '    tls_verify = false',
    '    disable_entrypoint_overwrite = false',
    '    oom_kill_disable = false',
    '    disable_cache = false',
    `    volumes = ${tomlList(spec.volumes)}`,
    `    allowed_images = ${tomlList(spec.allowedImages)}`,
    `    allowed_services = ${tomlList(spec.allowedServices)}`,
    `    allowed_pull_policies = ${tomlList(spec.allowedPullPolicies)}`,
    ...(spec.allowedPullPolicies[0] ? [`    pull_policy = ${tomlList([spec.allowedPullPolicies[0]])}`] : []),
    '    shm_size = 0',
    '',
  ].join('\n');
}

export type TokenFields = Pick<ConfigTomlInput, 'token' | 'tokenObtainedAt' | 'tokenExpiresAt'>;

function tokenLines({ token, tokenObtainedAt, tokenExpiresAt }: TokenFields): string[] {
  return [
    `  token = ${tomlString(token)}`,
    `  token_obtained_at = ${tomlTime(tokenObtainedAt)}`,
    `  token_expires_at = ${tomlTime(tokenExpiresAt)}`,
  ];
}

const TOKEN_LINES = /^(\s*(token|token_obtained_at|token_expires_at)\s*=\s*).*$/gm;
const ONE_TOKEN_LINE = /^\s*(token|token_obtained_at|token_expires_at)\s*=.*$/;

/**
 * The file with its one runner's token lines replaced and nothing else changed (a rotation keeps
 * whatever the runner was built with); null when the file does not hold exactly one `[[runners]]`
 * with a token, which runnerbot never writes.
 */
export function withToken(toml: string, fields: TokenFields): string | null {
  const lines = toml.split('\n');
  const at = lines.findIndex((l) => /^\s*token\s*=/.test(l));
  if (at < 0 || lines.filter((l) => /^\s*\[\[runners\]\]\s*$/.test(l)).length !== 1) return null;
  const keep = (l: string) => !ONE_TOKEN_LINE.test(l);
  return [...lines.slice(0, at).filter(keep), ...tokenLines(fields), ...lines.slice(at).filter(keep)].join('\n');
}

/** The token times a config.toml records (what runnerbot or gitlab-runner wrote), or null when absent. */
export function tokenTimesOf(toml: string): { obtainedAt: number; expiresAt: string | null } | null {
  const time = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)\\s*$`, 'm').exec(toml)?.[1];
  const obtained = Date.parse(time('token_obtained_at') ?? '');
  const expires = time('token_expires_at');
  if (Number.isNaN(obtained) || expires === undefined) return null;
  const never = expires.startsWith('0001-01-01') || Number.isNaN(Date.parse(expires));
  return { obtainedAt: obtained, expiresAt: never ? null : new Date(expires).toISOString() };
}

/** The file with its runner token and the token's times blanked, to compare two renderings whose token is unknown. */
export function withoutToken(toml: string): string {
  return toml.replace(TOKEN_LINES, '$1"[token]"');
}
