// argv -> command handler -> exit code. Refusals are printed as one scrubbed message on stderr.
import { readFileSync } from 'node:fs';
import type { Env } from '../config.ts';
import { didYouMean } from '../core/did-you-mean.ts';
import { scrubSecrets } from '../log.ts';
import { terminalSafe } from './terminal-safe.ts';
import { COMMANDS } from './commands.ts';
import { CliError } from './load.ts';

/** Usage and summary columns line up; a usage too long for the column puts its summary on the next line. */
function usage(): string {
  const width = 40;
  const rows = Object.values(COMMANDS).map((c) =>
    c.usage.length <= width
      ? `  runnerbot ${c.usage.padEnd(width)}  ${c.summary}`
      : `  runnerbot ${c.usage}\n  ${' '.repeat(width + 12)}${c.summary}`,
  );
  return [
    'usage:',
    ...rows,
    '  runnerbot --help | --version',
    '',
    'Configuration: RUNNERBOT_CONFIG (default ./runnerbot.yaml); secrets from the environment (see README).',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function dispatch(argv: string[], env: Env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const suggestion = didYouMean(name, Object.keys(COMMANDS));
    console.error(
      `runnerbot: unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}\n${usage()}`,
    );
    return 2;
  }
  // Every subcommand's --help works without a configuration.
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: runnerbot ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await (
      await command.load()
    )(rest, env);
  } catch (error) {
    const message = error instanceof CliError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    console.error(`runnerbot ${name}: ${terminalSafe(scrubSecrets(message, []))}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
