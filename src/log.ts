// pino JSON logs, one line per event. Secrets are removed twice: by key (any depth) before the
// line is built, and by value (the configured secrets and well-known token shapes) from the
// finished line, so message strings, error messages, stacks and child bindings are covered too.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const MASK = '***';

const TOKEN_SHAPES: [RegExp, string][] = [
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
    `-----BEGIN $1PRIVATE KEY-----${MASK}`,
  ],
  [/\bglrt-[A-Za-z0-9_.-]+/g, MASK],
  [/\bglpat-[A-Za-z0-9_.-]+/g, MASK],
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, MASK],
  [/\bxapp-[A-Za-z0-9-]+/g, MASK],
  [/(PVEAPIToken=[^=\s"']+=)[^\s"',;}]+/g, `$1${MASK}`],
  [/\b(Bearer|Basic) [A-Za-z0-9._~+/-]+=*/g, `$1 ${MASK}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)[^\s@/"']+@/gi, `$1${MASK}@`],
];

/** Secrets shorter than this are not scrubbed by value: masking "ab" everywhere would garble logs. */
const MIN_SECRET_LENGTH = 4;

/** Each secret as it appears raw and as it appears inside a JSON string. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** A function that replaces every secret value and every token-shaped string with `***`. */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = secretForms(secrets);
  return (text) => {
    let scrubbed = text;
    for (const form of forms) scrubbed = scrubbed.split(form).join(MASK);
    for (const [shape, replacement] of TOKEN_SHAPES) scrubbed = scrubbed.replace(shape, replacement);
    return scrubbed;
  };
}

export const scrubSecrets = (text: string, secrets: readonly string[]): string => secretScrubber(secrets)(text);

const SENSITIVE_KEY = /(token|secret|password|passwd|authorization|cookie|privatekey|apikey|credentials)$/;
const isSensitiveKey = (key: string) => {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  return normalized !== 'tokenid' && SENSITIVE_KEY.test(normalized);
};

function redactByKey(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redactByKey(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactByKey(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSensitiveKey(key) ? MASK : redactByKey(item, depth + 1);
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Every configured secret value; each is scrubbed from every line. */
  secrets?: readonly string[];
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

export function createLogger({ level, secrets = [], destination }: LoggerOptions): Logger {
  const target = destination ?? pino.destination({ dest: 1, sync: true });
  const scrub = secretScrubber(secrets);
  const scrubbing: DestinationStream = { write: (line: string) => target.write(scrub(line)) };
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors are already serialized (and redacted) by formatters.log; pino's own err serializer would re-wrap them.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactByKey(object) as Record<string, unknown>,
      },
    },
    scrubbing,
  );
}
