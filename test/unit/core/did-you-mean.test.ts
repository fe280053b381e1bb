import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/core/did-you-mean.ts';

const COMMANDS = ['provision', 'reprovision', 'deprovision', 'list', 'status', 'audit', 'help'];

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['list', 'list', 0],
    ['lsit', 'list', 1], // transposition
    ['provison', 'provision', 1], // deletion
    ['provisiom', 'provision', 1], // substitution
    ['provisionn', 'provision', 1], // insertion
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment, not unrestricted Damerau
    ['héllo', 'hello', 1], // counts characters, not UTF-16 units
  ])('%j -> %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('didYouMean', () => {
  it.each([
    ['provison', 'provision'],
    ['porvision', 'provision'],
    ['Provison', 'provision'],
    ['reprovison', 'reprovision'],
    ['deprovison', 'deprovision'],
    ['lst', 'list'],
    ['lits', 'list'],
    ['stauts', 'status'],
    ['stat', 'status'],
    ['adit', 'audit'],
    ['hlep', 'help'],
    ['depro', 'deprovision'], // the only command it starts
    ['pro', 'provision'],
  ])('%j -> %j', (typo, expected) => {
    expect(didYouMean(typo, COMMANDS)).toBe(expected);
  });

  it.each([['frobnicate'], ['x'], [''], ['qq'], ['zzzz']])('%j -> nothing', (word) => {
    expect(didYouMean(word, COMMANDS)).toBeUndefined();
  });

  it('prefers the closer candidate, then the earlier one', () => {
    expect(didYouMean('reprovision', COMMANDS)).toBe('reprovision');
    expect(didYouMean('ab', ['ac', 'ad'])).toBe('ac');
  });
});
