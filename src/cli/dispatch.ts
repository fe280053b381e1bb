// argv -> command handler -> exit code. Refusals are printed as one scrubbed message on stderr.
import { readFileSync } from 'node:fs';
import type { Env } from '../config.ts';
import { scrubSecrets } from '../log.ts';
import { terminalSafe } from './terminal-safe.ts';
import { COMMANDS } from './commands.ts';
import { CliError } from './load.ts';

function usage(): string {
  const rows = Object.values(COMMANDS).map((c) => `  runnerbot ${c.usage.padEnd(44)} ${c.summary}`);
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
    console.error(`runnerbot: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, env);
  } catch (error) {
    const message = error instanceof CliError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    console.error(`runnerbot ${name}: ${terminalSafe(scrubSecrets(message, []))}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
