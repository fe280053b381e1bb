// A destructive terminal command asks before it destroys: the operator types the runner's name.
// Scripts pass --yes; without it, and without a terminal to ask on, the command refuses.
import { createInterface } from 'node:readline/promises';
import { CliError } from './load.ts';

export interface ConfirmIo {
  isTTY: boolean;
  ask(question: string): Promise<string>;
}

export const terminalIo = (): ConfirmIo => ({
  isTTY: Boolean(process.stdin.isTTY),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
});

/** Resolves when confirmed; throws CliError (exit 2) otherwise, before anything is changed. */
export async function confirmDestruction(
  what: string,
  name: string,
  yes: boolean,
  io: ConfirmIo,
  consequence = 'its GitLab runner and its VM are destroyed',
): Promise<void> {
  if (yes) return;
  if (!io.isTTY) {
    throw new CliError(
      `refusing to ${what} ${name} without confirmation: stdin is not a terminal. Pass --yes to confirm from a script.`,
      2,
    );
  }
  const answer = await io.ask(`This will ${what} ${name}: ${consequence}. Type "${name}" to confirm: `);
  if (answer.trim() !== name) throw new CliError(`not confirmed (expected "${name}"); nothing was changed`, 2);
}
