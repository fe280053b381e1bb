// The one way a value reaches a POSIX shell: as a single-quoted word. Inside single quotes
// nothing is special except the quote itself, which is closed, escaped and reopened ('\'').
import { permanent } from './errors.ts';

export function shellQuote(value: string): string {
  if (value.includes('\0')) throw permanent('SPEC.INVALID', 'a value for the shell contains a NUL byte');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes each word and joins them with spaces: a fixed command plus quoted arguments. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
