import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../../../src/core/shell-quote.ts';

// What `sh` makes of the quoted word: printf prints it back between markers.
function throughSh(value: string): string {
  return execFileSync('/bin/sh', ['-c', `printf '[%s]' ${shellQuote(value)}`], { encoding: 'utf8' });
}

const nasty = [
  '',
  'plain',
  "it's",
  "''",
  'two words',
  'line one\nline two\n',
  '$(reboot)',
  '`reboot`',
  '${HOME} $HOME',
  '"double" \\backslash\\',
  'a;b&c|d>e<f',
  '*?[a-z]~',
  'registry.example.com/ci/$(reboot):"x y"',
  "'; rm -rf / #",
  'tab\there',
  'ünïcødé ☃',
];

describe('shellQuote', () => {
  it('wraps a value in single quotes', () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote('')).toBe("''");
  });

  it('closes, escapes and reopens a single quote', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it.each(nasty)('sh reads %j back literally', (value) => {
    expect(throughSh(value)).toBe(`[${value}]`);
  });

  it('refuses a NUL byte, which no shell argument can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('builds a command whose words arrive one by one', () => {
    const words = ['printf', '<%s>', 'a b', '$(id)', "x'y"];
    const out = execFileSync('/bin/sh', ['-c', shellCommand(words)], { encoding: 'utf8' });
    expect(out).toBe("<a b><$(id)><x'y>");
  });
});
