// The CLI's own help, as a user meets it: no configuration needed, typos answered, columns aligned.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/composition/commands.ts';
import { REPO } from './processes.ts';

const runnerbot = (...args: string[]) => {
  const result = spawnSync(process.execPath, [join(REPO, 'bin/runnerbot.js'), ...args], {
    encoding: 'utf8',
    cwd: '/',
    env: { PATH: process.env.PATH ?? '', RUNNERBOT_CONFIG: '/nonexistent/runnerbot.yaml' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('runnerbot help', () => {
  it('answers every subcommand --help without a configuration', () => {
    const names = Object.keys(COMMANDS);
    for (const name of names) {
      const help = runnerbot(name, '--help');
      expect({ name, code: help.code, stderr: help.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect(help.stdout).toContain(`usage: runnerbot ${COMMANDS[name]!.usage}`);
    }
  }, 120_000);

  it('suggests the command a typo meant', () => {
    const typo = runnerbot('provison', 'gitlab-runner-02');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('runnerbot: unknown command "provison"; did you mean "provision"?');
  });

  it('aligns every summary in one column', () => {
    const lines = runnerbot('--help').stdout.split('\n');
    const columns = Object.values(COMMANDS).map(({ summary }) => {
      const line = lines.find((l) => l.endsWith(summary));
      return line === undefined ? -1 : line.length - summary.length;
    });
    expect(new Set(columns)).toEqual(new Set([columns[0]]));
    expect(columns[0]).toBeGreaterThan(0);
  });
});
