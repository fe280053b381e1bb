// Alertmanager label matchers as Alertmanager writes them: `name="value"`, `name!="value"`,
// `name=~"regex"`, `name!~"regex"`, values quoted or not; regexes anchored at both ends.
// Regexes run on RE2 (re2js), as Alertmanager's Go regexps do: its syntax, and linear time, so an
// alert label can never make a route backtrack for seconds.
import { RE2JS } from 're2js';
import { err, ok, type Result } from '../errors.ts';
import type { Labels } from './payload.ts';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  /** For `=~` and `!~`: the value, anchored as Alertmanager anchors it. */
  regex?: RE2JS;
}

// Alertmanager's own grammar (pkg/labels/parse.go): name, operator, the rest is the value.
const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;
const FORMS = 'name="value", name!="value", name=~"regex" or name!~"regex"';

const bad = (text: string, why: string): Result<never> =>
  err({ code: 'CONFIG.INVALID', message: `matcher \`${text}\` ${why}` });

/** A quoted value's escapes (\" \\ \n) undone; an unquoted value taken as it is. */
function unquote(raw: string): Result<string, string> {
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  let value = '';
  let closed = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (closed) return err('has text after the closing quote');
    if (ch === '\\' && i < body.length - 1) {
      const next = body[++i]!;
      value += next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next}`;
    } else if (ch === '"') {
      if (!quoted) return err('has a double quote inside an unquoted value');
      closed = true;
    } else {
      value += ch;
    }
  }
  return closed || !quoted ? ok(value) : err('has an opening quote that is never closed');
}

/** Compiled as Alertmanager compiles it (pkg/labels/matcher.go): `^(?:` + value + `)$`, RE2 syntax. */
function anchored(source: string): Result<RE2JS, string> {
  try {
    return ok(RE2JS.compile(`^(?:${source})$`));
  } catch (e) {
    return err(`has an invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function parseMatcher(text: string): Result<Matcher> {
  const match = MATCHER.exec(text);
  if (!match) return bad(text, `is not a matcher; write ${FORMS}`);
  const [, name = '', op = '=', raw = ''] = match;
  const value = unquote(raw);
  if (!value.ok) return bad(text, value.error);
  const matcher: Matcher = { name, op: op as MatchOp, value: value.value };
  if (op === '=~' || op === '!~') {
    const regex = anchored(value.value);
    if (!regex.ok) return bad(text, regex.error);
    matcher.regex = regex.value;
  }
  return ok(matcher);
}

/** Several matchers in one string, as Alertmanager also accepts them: `{a="1", b=~"x|y"}`. */
export function parseMatchers(text: string): Result<Matcher[]> {
  const trimmed = text.trim();
  const inner = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1) : trimmed;
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === '\\' && inQuotes) {
      current += ch + (inner[++i] ?? '');
      continue;
    }
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === ',' && !inQuotes) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '' || parts.length > 0) parts.push(current);
  const matchers: Matcher[] = [];
  for (const part of parts) {
    if (part.trim() === '') continue;
    const parsed = parseMatcher(part);
    if (!parsed.ok) return parsed;
    matchers.push(parsed.value);
  }
  return ok(matchers);
}

/** Alertmanager's semantics: a missing label has the empty value. */
export function matches(matcher: Matcher, labels: Labels): boolean {
  const value = Object.hasOwn(labels, matcher.name) ? (labels[matcher.name] ?? '') : '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcher.regex!.matches(value);
    case '!~':
      return !matcher.regex!.matches(value);
  }
}
