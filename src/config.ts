// Configuration is a pure function of the environment and the files it names.
// Precedence, highest first: environment overrides (ENV_OVERRIDES) > the YAML file > schema defaults.
// Secrets never come from the file (see secrets.ts); a secret found in it is an error.
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './config-schema.ts';
import { err, ok, type Result } from './core/errors.ts';
import { didYouMean } from './core/did-you-mean.ts';
import { readSecrets, runsWorker, secretValues, type Env, type ReadFile, type Role, type Secrets } from './secrets.ts';
import { scrubSecrets } from './log.ts';
import { proxyFromEnv, proxyPasswords, proxyProblems, type OutboundProxy } from './outbound-proxy.ts';

export type { Config, Env, ReadFile, Role, Secrets };

export const DEFAULT_CONFIG_FILE = './runnerbot.yaml';

/** The few values the environment may override, e.g. per container. */
export const ENV_OVERRIDES = [
  { variable: 'REDIS_URL', path: ['redis', 'url'], number: false },
  { variable: 'PORT', path: ['http', 'port'], number: true },
  { variable: 'LOG_LEVEL', path: ['log', 'level'], number: false },
] as const;

export interface ConfigProblem {
  /** The YAML path (`proxmox.vmidRange.max`), or the environment variable, or absent for the file itself. */
  path?: string;
  line?: number;
  message: string;
}

export interface LoadedConfig {
  file: string;
  config: Config;
  secrets: Secrets;
  /** The public half of the SSH key (ssh.publicKeyPath, default `<keyPath>.pub`); read for workers. */
  sshPublicKey?: string;
  /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY, when a proxy is set. */
  proxy?: OutboundProxy;
}

export interface LoadOptions {
  /** Overrides RUNNERBOT_CONFIG. */
  file?: string;
  /** Which secrets must be present; none when absent. */
  role?: Role;
}

type Path = readonly PropertyKey[];
type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const valueAt = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>(
    (node, key) => (isObject(node) || Array.isArray(node) ? (node as Raw)[key as string] : undefined),
    root,
  );
const dotted = (path: Path) => path.map(String).join('.');

export function loadConfig(
  env: Env,
  readFile: ReadFile,
  options: LoadOptions = {},
): Result<LoadedConfig, ConfigProblem[]> {
  const file = options.file ?? env.RUNNERBOT_CONFIG ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return err([
      {
        message: `cannot read the config file ${file} (${code}); pass its path or set RUNNERBOT_CONFIG (runnerbot.example.yaml is a starting point)`,
      },
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0)
    return err(
      doc.errors.map((e) => ({ line: e.linePos?.[0].line, message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  const raw: unknown = doc.toJS() ?? {};
  if (!isObject(raw)) return err([{ message: 'the file must hold a mapping of sections (slack:, proxmox:, …)' }]);

  const problems: ConfigProblem[] = takeSecretsOut(raw);
  const overridden = applyEnvOverrides(raw, env);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    problems.push(...withoutTypoEchoes(parsed.error.issues.flatMap((issue) => describeIssue(issue, raw, overridden))));

  const slack = isObject(raw.slack) ? raw.slack : {};
  const ssh = isObject(raw.ssh) ? raw.ssh : {};
  const keyPath = typeof ssh.keyPath === 'string' ? ssh.keyPath : undefined;
  const { secrets, problems: secretProblems } = readSecrets(env, readFile, {
    role: options.role,
    slackMode: slack.mode === 'http' ? 'http' : 'socket',
    sshKeyPath: keyPath,
  });
  problems.push(...secretProblems.map((message) => ({ message })));
  const proxy = proxyFromEnv(env);
  if (proxy) problems.push(...proxyProblems(proxy));
  let sshPublicKey: string | undefined;
  if (runsWorker(options.role) && keyPath) {
    const publicPath = typeof ssh.publicKeyPath === 'string' ? ssh.publicKeyPath : `${keyPath}.pub`;
    try {
      sshPublicKey = readFile(publicPath).trim();
    } catch (error) {
      problems.push({
        path: 'ssh.publicKeyPath',
        message: `cannot read the public key ${publicPath} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the VMs authorize it through cloud-init`,
      });
    }
  }

  const known = secretValues(secrets);
  const inFile = (p: ConfigProblem) => p.path !== undefined && !/^[A-Z_]+$/.test(p.path);
  const located = problems.map((p) => ({
    ...p,
    line: p.line ?? (inFile(p) ? lineOf(doc, lines, p.path!.split('.')) : undefined),
    message: scrubSecrets(p.message, known),
  }));
  located.sort((x, y) => (x.line ?? Infinity) - (y.line ?? Infinity));
  if (located.length > 0 || !parsed.success) return err(located);
  return ok({ file, config: parsed.data, secrets, sshPublicKey, ...(proxy ? { proxy } : {}) });
}

/** Every value to scrub from output: the secrets, the proxy's password and the password of the Redis URL. */
export function knownSecretValues(loaded: Pick<LoadedConfig, 'config' | 'secrets' | 'proxy'>): string[] {
  const values = [...secretValues(loaded.secrets), ...(loaded.proxy ? proxyPasswords(loaded.proxy) : [])];
  try {
    const password = decodeURIComponent(new URL(loaded.config.redis.url).password);
    if (password) values.push(password);
  } catch {
    // the schema already demands a redis:// URL; an unparseable one carries no password to hide
  }
  return values;
}

/** `runnerbot.yaml:12: proxmox.vmidRange.max: expected …` */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line === undefined ? '' : `${file}:${problem.line}: `;
  return `${where}${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

// ---------------------------------------------------------------- secrets in the file

const SECRET_KEYS: [RegExp, string][] = [
  [/^slack\.(bot)?token$/i, 'SLACK_BOT_TOKEN'],
  [/^slack\.apptoken$/i, 'SLACK_APP_TOKEN'],
  [/^slack\.signingsecret$/i, 'SLACK_SIGNING_SECRET'],
  [/^proxmox\.(token|tokensecret|secret|password)$/i, 'PROXMOX_TOKEN_SECRET'],
  [/^gitlab\./i, 'GITLAB_TOKEN'],
  [/^alerts\.(basicauth|password)$/i, 'ALERTS_BASIC_AUTH'],
  [/^alerts\./i, 'ALERTS_TOKEN'],
  [/^ssh\./i, 'a key file named by ssh.keyPath'],
  [/^redis\.sentinel\./i, 'REDIS_SENTINEL_PASSWORD'],
  [/^redis\./i, 'REDIS_PASSWORD'],
];
const SECRET_KEY_NAME = /(token|secret|password|passwd|privatekey|apikey|basicauth)$/i;
const SECRET_VALUE = /^(glrt-|glpat-|xox[a-z]-|xapp-)|-----BEGIN [A-Z ]*PRIVATE KEY-----/i;
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*:[^\s/@]+@/i;

function secretHome(path: string): string {
  const home = SECRET_KEYS.find(([pattern]) => pattern.test(path))?.[1];
  if (!home) return 'pass it through the environment (runnerbot reads secrets only from NAME or NAME_FILE variables)';
  return home.includes(' ') ? `use ${home}` : `set ${home} (or ${home}_FILE) in the environment`;
}

/** Removes secret-looking keys and values from `raw` and reports each one, without its value. */
function takeSecretsOut(raw: Raw, prefix: string[] = []): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const path = dotted([...prefix, key]);
    const secretKey = SECRET_KEY_NAME.test(key.replace(/[-_]/g, '')) && key.toLowerCase() !== 'tokenid';
    if (typeof value === 'string' && URL_CREDENTIALS.test(value)) {
      const how =
        path === 'redis.url' ? 'set the whole URL in REDIS_URL instead' : 'remove the user and password from it';
      problems.push({ path, message: `secrets do not belong in the config file: this URL carries a password; ${how}` });
      raw[key] = value.replace(URL_CREDENTIALS, '$1');
    } else if (secretKey || (typeof value === 'string' && SECRET_VALUE.test(value))) {
      problems.push({ path, message: `secrets do not belong in the config file: remove it and ${secretHome(path)}` });
      delete raw[key];
    } else if (isObject(value)) problems.push(...takeSecretsOut(value, [...prefix, key]));
    else if (Array.isArray(value))
      value.forEach((item, i) => isObject(item) && problems.push(...takeSecretsOut(item, [...prefix, key, String(i)])));
  }
  return problems;
}

/** Writes the environment's overrides into `raw`; returns YAML path -> variable for each one used. */
function applyEnvOverrides(raw: Raw, env: Env): Map<string, string> {
  const overridden = new Map<string, string>();
  for (const { variable, path, number } of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const [section, key] = path;
    const target = isObject(raw[section]) ? raw[section] : (raw[section] = {});
    target[key] = number && /^\d+$/.test(value) ? Number(value) : value;
    overridden.set(dotted(path), variable);
  }
  return overridden;
}

// ---------------------------------------------------------------- zod issues as sentences

type Issue = z.core.$ZodIssue;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

const KIND: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return KIND[issue.expected] ?? issue.expected;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const sign = issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      if (issue.origin === 'array') return `${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item(s)`;
      if (issue.origin === 'string')
        return `${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} character(s)`;
      return `a number ${sign} ${bound}`;
    }
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' ? issue.message : issue.format === 'url' ? 'a URL' : issue.format;
    default:
      return issue.message;
  }
}

interface DescribedIssue extends ConfigProblem {
  /** For an unknown key: the path of the known key it probably misspells. */
  suggests?: string;
  missing?: true;
}

/** A misspelt required key is one mistake: keep "unknown key (did you mean …)", drop "required". */
function withoutTypoEchoes(described: DescribedIssue[]): ConfigProblem[] {
  const suggested = new Set(described.map((p) => p.suggests));
  return described.filter((p) => !(p.missing && suggested.has(p.path))).map(({ path, message }) => ({ path, message }));
}

function describeIssue(issue: Issue, raw: Raw, overridden: Map<string, string>): DescribedIssue[] {
  const path = dotted(issue.path);
  const variable = overridden.get(path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known);
      return {
        path: dotted([...issue.path, key]),
        message: `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}`,
        suggests: guess && dotted([...issue.path, guess]),
      };
    });
  }
  if (issue.code === 'custom') return [{ path, message: issue.message }];
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type' && value === undefined)
    return [{ path, message: `required: expected ${expectation(issue)}`, missing: true }];
  const message = `expected ${expectation(issue)}, got ${show(value)}`;
  return [variable ? { path: variable, message: `${message} (overrides ${path})` } : { path, message }];
}

// ---------------------------------------------------------------- "did you mean" and line numbers

function knownKeysAt(path: Path): string[] {
  let schema: unknown = configSchema;
  const def = (s: unknown) => (s as { _zod: { def: Record<string, unknown> } })._zod.def;
  const unwrap = (s: unknown) => {
    while (['default', 'prefault', 'optional', 'nullable'].includes(def(s).type as string)) s = def(s).innerType;
    return s;
  };
  for (const key of path) {
    const d = def(unwrap(schema));
    schema =
      d.type === 'object'
        ? (d.shape as Record<string, unknown>)[String(key)]
        : d.type === 'array'
          ? d.element
          : d.type === 'record'
            ? d.valueType
            : undefined;
    if (!schema) return [];
  }
  const d = def(unwrap(schema));
  return d.type === 'object' ? Object.keys(d.shape as object) : [];
}

/** The line of the deepest node of `path` that exists in the document (the key itself when it does). */
function lineOf(doc: Document, lines: LineCounter, path: string[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = isMap(node) || isSeq(node) ? node.range?.[0] : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (!pair) break;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (!item) break;
      offset = (item as { range?: [number] }).range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
