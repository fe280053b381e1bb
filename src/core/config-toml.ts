// Renders /etc/gitlab-runner/config.toml from a RunnerSpec. Every value goes through tomlString,
// so whatever a profile holds (quotes, `$(…)`, newlines) arrives as data, never as syntax.
import type { RunnerSpec } from './spec.ts';

export interface ConfigTomlInput {
  spec: RunnerSpec;
  gitlabUrl: string;
  token: string;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** A TOML basic string: quotes, backslashes and control characters escaped. */
export function tomlString(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  const body = value.replace(/["\\\u0000-\u001f\u007f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
  return `"${body}"`;
}

const tomlList = (values: readonly string[]): string => `[${values.map(tomlString).join(', ')}]`;

export function renderConfigToml({ spec, gitlabUrl, token }: ConfigTomlInput): string {
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
    `  token = ${tomlString(token)}`,
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

const TOKEN_LINE = /^(\s*token\s*=\s*).*$/m;

/** The file with its runner token blanked, to compare two renderings whose token is unknown. */
export function withoutToken(toml: string): string {
  return toml.replace(TOKEN_LINE, '$1"[token]"');
}
