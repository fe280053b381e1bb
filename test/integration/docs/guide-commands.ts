// The commands a guide shows: `runnerbot …` (also as `npm run runnerbot -- …`, `bin/runnerbot.js …`
// or `docker compose run --rm runnerbot …`) and `/runner …`, each with the words after the program.
import type { CodeItem } from './markdown.ts';

export interface GuideCommand {
  program: 'runnerbot' | '/runner';
  /** The words after the program, as a shell would split them. */
  words: string[];
  /** The command as written. */
  text: string;
  /** Written as a synopsis (`[--profile P]`, `NAME`, `bot|worker`): checked for names, not parsed. */
  synopsis: boolean;
  item: CodeItem;
}

const RUNNERBOT = /^(?:npm run runnerbot --|(?:node )?(?:\.\/)?bin\/runnerbot\.js|docker compose run (?:--rm )?runnerbot|runnerbot)(?:\s+(.+))?$/;
const SLASH = /^\/runner(?:\s+(.+))?$/;

/** Words as `sh` splits them: whitespace outside quotes, quotes removed. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word = (word ?? '') + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

const isSynopsis = (args: string): boolean =>
  /[[\]|<>…]|\.\.\./.test(args) || shellWords(args).some((w) => /^[A-Z][A-Z_]+$/.test(w) && !/^--/.test(w));

/** Shell lines hold several commands (`a && b`, `a | b`) and comments; a README synopsis ends at two spaces. */
function segments(item: CodeItem): string[] {
  let text = item.text;
  if (item.kind === 'block') text = text.replace(/(^|\s)#\s.*$/, '').replace(/\s{2,}\S.*$/, '');
  return text
    .split(/\s(?:&&|\|\||;)\s/)
    .map((s) => s.trim().replace(/^\$\s+/, ''))
    .filter(Boolean);
}

export function guideCommands(items: CodeItem[]): GuideCommand[] {
  const commands: GuideCommand[] = [];
  for (const item of items) {
    for (const segment of segments(item)) {
      const runnerbot = RUNNERBOT.exec(segment);
      const slash = runnerbot ? null : SLASH.exec(segment);
      const match = runnerbot ?? slash;
      if (!match) continue;
      const args = (match[1] ?? '').trim();
      // `runnerbot` alone names the program, not a command.
      if (runnerbot && args === '') continue;
      const synopsis = isSynopsis(args);
      commands.push({ program: runnerbot ? 'runnerbot' : '/runner', words: synopsis ? args.split(/\s+/) : shellWords(args), text: segment, synopsis, item });
    }
  }
  return commands;
}

/** Options a synopsis names: `[--for bot|worker|all]` -> `--for`. */
export const synopsisOptions = (words: string[]): string[] => words.flatMap((w) => /--[a-z][a-z-]*/.exec(w)?.[0] ?? []);
