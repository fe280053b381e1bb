import { describe, expect, it } from 'vitest';
import { normalizeDashes, normalizeText, tokenizeText } from '../../../src/core/command-tokens.ts';

describe('normalizeText', () => {
  it.each([
    ['“quoted”', '"quoted"'],
    ['„German“', '"German"'],
    ['«guillemets»', '"guillemets"'],
    ['‘single’', "'single'"],
    ['a &amp; b &lt;c&gt;', 'a & b <c>'],
    ['&amp;lt;', '&lt;'], // decoded once, as Slack encoded once
    ['&quot; stays', '&quot; stays'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('normalizeDashes', () => {
  it.each([
    ['—profile', '--profile'],
    ['–profile', '--profile'],
    ['−profile', '--profile'],
    ['-—profile', '--profile'],
    ['---profile', '--profile'],
    ['--profile', '--profile'],
    ['-h', '-h'],
    ['-4', '-4'],
    ['a—b', 'a—b'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeDashes(input)).toBe(expected);
  });
});

describe('tokenizeText', () => {
  it('splits on any white space and joins quoted parts like a shell', () => {
    expect(tokenizeText(' a\u00a0 b\t"c d"e\'f g\' ').map((t) => t.value)).toEqual(['a', 'b', 'c def g']);
  });

  it('keeps the raw rest of the line for each word', () => {
    const tokens = tokenizeText('x --reason it’s “fine”');
    expect(tokens[2]).toMatchObject({ value: 'its "fine"', rest: 'it\'s "fine"', quoted: false, unclosed: true });
  });

  it('marks quoted words, which never become options', () => {
    expect(tokenizeText('"—profile"')[0]).toMatchObject({ value: '—profile', quoted: true, unclosed: false });
    expect(tokenizeText('—profile')[0]).toMatchObject({ value: '--profile', quoted: false });
  });

  it('marks a quote that is never closed', () => {
    expect(tokenizeText('a "b c')).toMatchObject([
      { value: 'a', unclosed: false },
      { value: 'b c', unclosed: true },
    ]);
  });
});
