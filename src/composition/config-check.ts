// `runnerbot config check [FILE] [--for bot|worker|all]`: every problem (exit 1), or the
// effective configuration with secrets masked (exit 0). Never prints a secret value.
import { stringify } from 'yaml';
import { formatProblem, knownSecretValues, loadConfig, type Env, type Role } from '../config.ts';
import { checkFileAccess, filesOpened } from '../file-access.ts';
import { scrubSecrets } from '../log.ts';
import { redactRedisUrl } from '../redis.ts';
import { describeSecrets } from '../secrets.ts';
import { CliError, readText } from './load.ts';
import { terminalSafe } from './terminal-safe.ts';

export const CONFIG_USAGE = 'config check [FILE] [--for bot|worker|all]';
const ROLES: readonly string[] = ['bot', 'worker', 'all'];

function parseArgs(argv: string[]): { file?: string; role?: Role } {
  const [sub, ...rest] = argv;
  if (sub !== 'check') throw new CliError(`usage: runnerbot ${CONFIG_USAGE}`, 2);
  let file: string | undefined;
  let role: Role | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--for') {
      const value = rest[++i];
      if (!value || !ROLES.includes(value))
        throw new CliError(`--for takes bot, worker or all (got ${value ?? 'nothing'})`, 2);
      role = value as Role;
    } else if (!arg.startsWith('-') && file === undefined) file = arg;
    else throw new CliError(`usage: runnerbot ${CONFIG_USAGE}`, 2);
  }
  return { file, role };
}

export async function configCommand(argv: string[], env: Env): Promise<number> {
  const { file, role } = parseArgs(argv);
  const result = loadConfig(env, readText, { file, role });
  const shownFile = file ?? env.RUNNERBOT_CONFIG ?? './runnerbot.yaml';
  if (!result.ok) {
    const lines = result.error.map((p) => formatProblem(shownFile, p));
    // Problems are scrubbed when made; token shapes are scrubbed again on the way out.
    console.error(terminalSafe(scrubSecrets(`${shownFile}: ${lines.length} problem(s)\n${lines.join('\n')}`, [])));
    return 1;
  }
  const loaded = result.value;
  const fileProblems = checkFileAccess(filesOpened(loaded, role));
  if (fileProblems.length > 0) {
    const lines = fileProblems.map((p) => formatProblem(shownFile, p));
    console.error(
      scrubSecrets(
        `${shownFile}: ${lines.length} problem(s) with the files runnerbot opens\n${lines.join('\n')}`,
        knownSecretValues(loaded),
      ),
    );
    return 1;
  }
  const effective = {
    ...loaded.config,
    redis: { ...loaded.config.redis, url: redactRedisUrl(loaded.config.redis.url) },
  };
  const text = [
    `# ${shownFile}: OK${role ? ` for runnerbot ${role}` : ''} (effective configuration: file, environment overrides, defaults)`,
    stringify(effective).trimEnd(),
    '# secrets, from the environment (NAME or NAME_FILE) and ssh.keyPath',
    stringify({ secrets: describeSecrets(loaded.secrets) }).trimEnd(),
  ].join('\n');
  console.log(terminalSafe(scrubSecrets(text, knownSecretValues(loaded))));
  return 0;
}
