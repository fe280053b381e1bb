// The terminal and Slack take the same commands; their usage comes from one text, so it cannot
// drift apart again.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/composition/commands.ts';
import { SUBCOMMANDS, usageOf } from '../../../src/core/command.ts';

describe('the command table', () => {
  it('has every /runner command, with the arguments and summary of the one usage text', () => {
    for (const sub of SUBCOMMANDS.filter((s) => s !== 'help')) {
      const entry = COMMANDS[sub];
      expect(entry, sub).toBeDefined();
      expect(usageOf(sub, 'runnerbot')).toBe(`Usage: runnerbot ${entry!.usage}\n  ${entry!.summary}`);
    }
  });

  it('says where the surfaces differ: approval in Slack, the extra audit options in the terminal', () => {
    expect(usageOf('deprovision')).toContain('(a second person approves)');
    expect(usageOf('deprovision', 'runnerbot')).not.toContain('approves');
    expect(usageOf('audit')).toBe(
      'Usage: /runner audit [NAME]\n  recent requests, approvals and results, one line per run',
    );
    expect(COMMANDS.audit!.usage).toBe('audit [NAME | --runner NAME] [--since DURATION] [--verbose | --json]');
  });
});
