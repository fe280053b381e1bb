// `/runner ...` (one string from Slack) or `runnerbot ...` (argv from a terminal) -> a Command,
// or an error that names the wrong part and carries the usage of the subcommand.
import { err, ok, type Result, type RunnerbotErrorShape } from './errors.ts';
import { quoteInput } from './command-echo.ts';
import { tokenizeArgv, tokenizeText, type Token } from './command-tokens.ts';
import { SUBCOMMANDS, usageOf, usageText, type Subcommand, type UsagePrefix } from './command-usage.ts';
import {
  applyFlagValue,
  EXPECTS,
  FLAG_NAMES,
  FLAGS_OF,
  type FlagName,
  type ParsedFlags,
  type ValueFlag,
} from './command-flags.ts';
import { didYouMean } from './did-you-mean.ts';
import { parseScaleArgument } from './pool.ts';
import { validateRunnerName } from './runner-name.ts';
import { ALL_RUNNERS } from './plan.ts';

export {
  USAGE,
  synopsisOf,
  usageOf,
  usageText,
  SUBCOMMANDS,
  type Subcommand,
  type UsagePrefix,
} from './command-usage.ts';

export type Command =
  | {
      kind: 'provision';
      name: string;
      profile?: string;
      cores?: number;
      memoryMiB?: number;
      diskGiB?: number;
      tags?: string[];
      node?: string;
      dryRun: boolean;
    }
  | { kind: 'reprovision'; name: string; reason?: string; profile?: string; inPlace?: boolean; dryRun: boolean }
  | { kind: 'deprovision'; name: string; reason?: string; dryRun: boolean }
  /** `name` is ALL_RUNNERS for `--all`. */
  | { kind: 'rotate-token'; name: string; reason?: string; dryRun: false }
  | { kind: 'scale'; profile: string; count: number }
  | { kind: 'pools' }
  | { kind: 'list' }
  | { kind: 'status'; name: string }
  | { kind: 'audit'; name?: string }
  | { kind: 'doctor' }
  | { kind: 'help'; topic?: Subcommand };

/** A refusal to show the user: `message` names the wrong part, `usage` says how it is written. */
export interface CommandError extends RunnerbotErrorShape {
  code: 'COMMAND.USAGE' | 'COMMAND.UNKNOWN' | 'RUNNER.NAME_INVALID' | 'CONFIG.INVALID';
  usage: string;
}

export interface ParseOptions {
  /** `runners.namePattern`; when given, every runner name is checked with `validateRunnerName`. */
  namePattern?: string;
}

/** Words people type for a subcommand; only ever suggested, never accepted. */
const SYNONYMS: Record<string, Subcommand> = {
  create: 'provision',
  new: 'provision',
  add: 'provision',
  rebuild: 'reprovision',
  recreate: 'reprovision',
  redeploy: 'reprovision',
  delete: 'deprovision',
  destroy: 'deprovision',
  remove: 'deprovision',
  rm: 'deprovision',
  rotate: 'rotate-token',
  'rotate-tokens': 'rotate-token',
  'reset-token': 'rotate-token',
  del: 'deprovision',
  resize: 'scale',
  pool: 'pools',
  ls: 'list',
  show: 'status',
  info: 'status',
  history: 'audit',
  log: 'audit',
  '?': 'help',
};

const POSITIONALS: Record<Subcommand, { min: number; max: number; takes: string; needs?: string }> = {
  provision: { min: 1, max: 1, takes: 'one runner name' },
  scale: { min: 1, max: 1, takes: 'one PROFILE=N', needs: 'PROFILE=N (like build=3)' },
  pools: { min: 0, max: 0, takes: 'no arguments' },
  reprovision: { min: 1, max: 1, takes: 'one runner name' },
  deprovision: { min: 1, max: 1, takes: 'one runner name' },
  'rotate-token': { min: 0, max: 1, takes: 'one runner name, or --all' },
  status: { min: 1, max: 1, takes: 'one runner name' },
  audit: { min: 0, max: 1, takes: 'at most one runner name' },
  list: { min: 0, max: 0, takes: 'no arguments' },
  doctor: { min: 0, max: 0, takes: 'no arguments' },
  help: { min: 0, max: 1, takes: 'at most one command name' },
};

/** Far longer than any real command (a --reason included); longer text is refused before it is parsed. */
export const MAX_COMMAND_CHARS = 2000;

export function parseCommandText(text: string, options: ParseOptions = {}): Result<Command, CommandError> {
  if (text.length > MAX_COMMAND_CHARS) {
    return err({
      code: 'COMMAND.USAGE',
      message: `the command is ${text.length} characters long; at most ${MAX_COMMAND_CHARS} are accepted`,
      usage: usageText('/runner'),
    });
  }
  return parseTokens(tokenizeText(text), '/runner', options);
}

export function parseCommandArgv(argv: readonly string[], options: ParseOptions = {}): Result<Command, CommandError> {
  return parseTokens(tokenizeArgv(argv), 'runnerbot', options);
}

const isSubcommand = (word: string): word is Subcommand => (SUBCOMMANDS as readonly string[]).includes(word);
const isOption = (token: Token): boolean => !token.quoted && /^-./.test(token.value) && !/^-\d/.test(token.value);

function unknownCommand(word: string, prefix: UsagePrefix): Result<never, CommandError> {
  const synonym = word.toLowerCase();
  const suggestion = Object.hasOwn(SYNONYMS, synonym) ? SYNONYMS[synonym] : didYouMean(word, SUBCOMMANDS);
  const hint = suggestion
    ? `did you mean \`${suggestion}\`?`
    : `the commands are ${SUBCOMMANDS.slice(0, -1).join(', ')} and ${SUBCOMMANDS.at(-1)}`;
  return err({
    code: 'COMMAND.UNKNOWN',
    message: `unknown command ${quoteInput(word)}; ${hint}`,
    usage: usageText(prefix),
  });
}

function parseTokens(tokens: Token[], prefix: UsagePrefix, options: ParseOptions): Result<Command, CommandError> {
  const [first, ...rest] = tokens;
  if (!first || (!first.quoted && ['--help', '-h'].includes(first.value))) return ok({ kind: 'help' });
  const sub = first.value.toLowerCase();
  if (!isSubcommand(sub)) return unknownCommand(first.value, prefix);
  const usage = usageOf(sub, prefix);
  const parsed = readArguments(sub, rest);
  if (!parsed.ok) return err({ code: 'COMMAND.USAGE', message: parsed.error, usage });
  if (parsed.value === 'help') return ok({ kind: 'help', topic: sub });
  const { flags, positionals } = parsed.value;
  if (sub === 'help') {
    const topic = positionals[0];
    if (topic === undefined) return ok({ kind: 'help' });
    return isSubcommand(topic.toLowerCase())
      ? ok({ kind: 'help', topic: topic.toLowerCase() as Subcommand })
      : unknownCommand(topic, prefix);
  }
  if (sub === 'scale') {
    const scale = parseScaleArgument(positionals[0] ?? '');
    return scale.ok
      ? ok({ kind: 'scale', ...scale.value })
      : err({ code: 'COMMAND.USAGE', message: scale.error, usage });
  }
  const name = positionals[0];
  if (sub === 'rotate-token' && (name === undefined) === !flags.all)
    return err({ code: 'COMMAND.USAGE', message: '`rotate-token` takes one runner name or `--all`', usage });
  if (name !== undefined && options.namePattern !== undefined) {
    const valid = validateRunnerName(name, options.namePattern);
    if (!valid.ok) return err({ ...valid.error, code: valid.error.code as CommandError['code'], usage });
  }
  return ok(buildCommand(sub, name, flags));
}

function buildCommand(sub: Exclude<Subcommand, 'help' | 'scale'>, name: string | undefined, f: ParsedFlags): Command {
  const some = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  const named = name ?? '';
  switch (sub) {
    case 'provision':
      return some({
        kind: sub,
        name: named,
        profile: f.profile,
        cores: f.cores,
        memoryMiB: f.memoryMiB,
        diskGiB: f.diskGiB,
        tags: f.tags,
        node: f.node,
        dryRun: f.dryRun,
      });
    case 'reprovision':
      return some({
        kind: sub,
        name: named,
        reason: f.reason,
        profile: f.profile,
        inPlace: f.inPlace,
        dryRun: f.dryRun,
      });
    case 'deprovision':
      return some({ kind: sub, name: named, reason: f.reason, dryRun: f.dryRun });
    case 'rotate-token':
      return some({ kind: sub, name: f.all ? ALL_RUNNERS : named, reason: f.reason, dryRun: false as const });
    case 'status':
      return { kind: sub, name: named };
    case 'audit':
      return some({ kind: sub, name });
    case 'list':
    case 'pools':
    case 'doctor':
      return { kind: sub };
  }
}

type Arguments = { flags: ParsedFlags; positionals: string[] };

/** Walks the words after the subcommand; 'help' when `--help` appears among them. */
function readArguments(sub: Subcommand, tokens: Token[]): Result<Arguments | 'help', string> {
  const flags: ParsedFlags = { dryRun: false };
  const positionals: string[] = [];
  const seen = new Set<FlagName>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!isOption(token)) {
      if (token.unclosed) return err(`the quote in ${quoteInput(token.value)} is never closed`);
      positionals.push(token.value);
      continue;
    }
    const [, rawName = '', inline] = /^--?([^=]*)(?:=(.*))?$/s.exec(token.value) ?? [];
    if (rawName === 'help' || token.value === '-h') return ok('help');
    const flag = FLAG_NAMES.find((f) => f === rawName);
    if (!flag || !token.value.startsWith('--')) return err(unknownOption(token.value, sub));
    if (!FLAGS_OF[sub].includes(flag)) return err(`\`--${flag}\` does not apply to \`${sub}\``);
    if (seen.has(flag)) return err(`\`--${flag}\` is given twice`);
    seen.add(flag);
    if (flag === 'dry-run' || flag === 'in-place' || flag === 'all') {
      if (inline !== undefined) return err(`\`--${flag}\` takes no value`);
      if (flag === 'dry-run') flags.dryRun = true;
      else if (flag === 'in-place') flags.inPlace = true;
      else flags.all = true;
      continue;
    }
    const taken = flag === 'reason' ? takeReason(token, inline, tokens, i) : takeValue(flag, inline, tokens, i);
    if (!taken.ok) return taken;
    i = taken.value.next;
    const applied = applyFlagValue(flags, flag, taken.value.value);
    if (!applied.ok) return applied;
  }
  const arity = POSITIONALS[sub];
  if (positionals.length < arity.min || positionals[0] === '')
    return err(`\`${sub}\` needs ${arity.needs ?? 'a runner name'}`);
  const extra = positionals[arity.max];
  if (extra !== undefined) return err(`unexpected ${quoteInput(extra)}: \`${sub}\` takes ${arity.takes}`);
  return ok({ flags, positionals });
}

function unknownOption(option: string, sub: Subcommand): string {
  const allowed = FLAGS_OF[sub];
  const word = option.replace(/^-+/, '').split('=')[0]!;
  // `-p` is how other tools spell `--profile`: suggest the only option with that initial.
  const initial = word.length === 1 ? allowed.filter((f) => f.startsWith(word)) : [];
  const suggestion = initial.length === 1 ? initial[0] : didYouMean(word, allowed);
  if (suggestion) return `unknown option ${quoteInput(option)}; did you mean \`--${suggestion}\`?`;
  if (allowed.length === 0) return `unknown option ${quoteInput(option)}: \`${sub}\` takes no options`;
  return `unknown option ${quoteInput(option)}; \`${sub}\` takes ${allowed.map((f) => `--${f}`).join(', ')}`;
}

type Taken = Result<{ value: string; next: number }, string>;

/** The value of `--flag=value` or of the word after `--flag`. */
function takeValue(flag: ValueFlag, inline: string | undefined, tokens: Token[], i: number): Taken {
  if (inline !== undefined) return ok({ value: inline, next: i });
  const next = tokens[i + 1];
  if (!next || isOption(next)) return err(`\`--${flag}\` expects ${EXPECTS[flag]}`);
  if (next.unclosed) return err(`the quote in ${quoteInput(next.value)} is never closed`);
  return ok({ value: next.value, next: i + 1 });
}

/** `--reason` takes a quoted text (and parsing goes on) or else the rest of the line. */
function takeReason(token: Token, inline: string | undefined, tokens: Token[], i: number): Taken {
  if (inline !== undefined) {
    const raw = token.rest?.slice(token.rest.indexOf('=') + 1);
    const quoted = raw === undefined || /^["']/.test(raw);
    return quoted ? ok({ value: inline, next: i }) : ok({ value: raw, next: tokens.length });
  }
  const next = tokens[i + 1];
  if (!next || isOption(next)) return err(`\`--reason\` expects ${EXPECTS.reason}`);
  if (next.rest !== undefined && !next.quoted) return ok({ value: next.rest, next: tokens.length });
  return ok({ value: next.value, next: i + 1 });
}
