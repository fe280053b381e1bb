// Terminal output helpers: aligned tables, relative times, and the confirmation of a destructive command.
import { describe, expect, it } from 'vitest';
import { confirmDestruction } from '../../../src/composition/confirm.ts';
import { ago, table } from '../../../src/composition/text-table.ts';

describe('table', () => {
  it('aligns every column on the widest cell, without trailing blanks', () => {
    expect(
      table(
        ['NAME', 'STATE'],
        [
          ['gitlab-runner-01', 'running'],
          ['r2', 'stopped'],
        ],
      ),
    ).toEqual(['NAME              STATE', 'gitlab-runner-01  running', 'r2                stopped']);
  });
});

describe('ago', () => {
  const now = 1_000_000_000_000;
  it.each([
    [now - 2_000, 'just now'],
    [now - 42_000, '42 s ago'],
    [now - 3 * 60_000, '3 min ago'],
    [now - 5 * 3_600_000, '5 h ago'],
    [now - 2 * 86_400_000, '2 d ago'],
    [now + 10 * 60_000, 'in 10 min'],
    [Number.NaN, 'at an unknown time'],
  ])('%d -> %s', (at, text) => expect(ago(at, now)).toBe(text));
});

describe('confirmDestruction', () => {
  const io = (isTTY: boolean, answer = '') => ({
    isTTY,
    asked: [] as string[],
    async ask(q: string) {
      this.asked.push(q);
      return answer;
    },
  });
  it('passes at once with --yes, asking nothing', async () => {
    const tty = io(true);
    await confirmDestruction('deprovision', 'gitlab-runner-01', true, tty);
    expect(tty.asked).toEqual([]);
  });
  it('refuses without --yes on a non-terminal, saying how to confirm', async () => {
    await expect(confirmDestruction('deprovision', 'gitlab-runner-01', false, io(false))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('Pass --yes'),
    });
  });
  it('asks on a terminal and goes on only when the name is typed', async () => {
    await confirmDestruction('reprovision', 'gitlab-runner-01', false, io(true, ' gitlab-runner-01\n'));
    await expect(confirmDestruction('reprovision', 'gitlab-runner-01', false, io(true, 'y'))).rejects.toMatchObject({
      message: expect.stringContaining('not confirmed'),
    });
  });
});
