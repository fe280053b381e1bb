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
    `  token = ${tomlString(token)}`,
    `  token_obtained_at = ${tomlTime(tokenObtainedAt)}`,
    `  token_expires_at = ${tomlTime(tokenExpiresAt)}`,
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

const TOKEN_LINES = /^(\s*(token|token_obtained_at|token_expires_at)\s*=\s*).*$/gm;

/** The file with its runner token and the token's times blanked, to compare two renderings whose token is unknown. */
export function withoutToken(toml: string): string {
  return toml.replace(TOKEN_LINES, '$1"[token]"');
}
