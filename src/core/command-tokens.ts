// Splitting `/runner ...` text into words the way a shell would (quotes group words), after
// undoing what Slack and phone keyboards do to it: HTML entities, smart quotes, em-dashes.

export interface Token {
  value: string;
  /** The raw text from this token to the end of the line (text input only), for `--reason`. */
  rest?: string;
  /** The token began with a quote, so it is never an option even if it looks like one. */
  quoted: boolean;
  /** A quote opened in this token is never closed (the token runs to the end of the line). */
  unclosed: boolean;
}

const DOUBLE_QUOTES = /[“”„‟«»]/g;
const SINGLE_QUOTES = /[‘’‚‛]/g;
// Slack escapes exactly these three in command text.
const SLACK_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
// A word that starts with an em-dash, en-dash or other long dash was typed as `--`.
const LEADING_DASHES = /^[-‐‑‒–—―−]+/;

export function normalizeText(text: string): string {
  return text
    .replace(/&(amp|lt|gt);/g, (entity) => SLACK_ENTITIES[entity] ?? entity)
    .replace(DOUBLE_QUOTES, '"')
    .replace(SINGLE_QUOTES, "'");
}

/** `—profile`, `–profile` and `---profile` are `--profile`; a single ASCII `-x` stays as typed. */
export function normalizeDashes(word: string): string {
  const dashes = LEADING_DASHES.exec(word)?.[0];
  if (dashes === undefined || dashes === '-') return word;
  return `--${word.slice(dashes.length)}`;
}

export function tokenizeText(text: string): Token[] {
  const line = normalizeText(text);
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    const start = i;
    let value = '';
    let unclosed = false;
    while (i < line.length && !/\s/.test(line[i]!)) {
      const ch = line[i]!;
      if (ch === '"' || ch === "'") {
        const close = line.indexOf(ch, i + 1);
        if (close === -1) {
          value += line.slice(i + 1);
          unclosed = true;
          i = line.length;
          break;
        }
        value += line.slice(i + 1, close);
        i = close + 1;
      } else {
        value += ch;
        i++;
      }
    }
    const quoted = line[start] === '"' || line[start] === "'";
    tokens.push({ value: quoted ? value : normalizeDashes(value), rest: line.slice(start), quoted, unclosed });
  }
  return tokens;
}

/** argv from a terminal: the shell has already split and unquoted it. */
export function tokenizeArgv(argv: readonly string[]): Token[] {
  return argv.map((arg) => ({ value: normalizeDashes(arg), quoted: false, unclosed: false }));
}
