// Loading the configuration for a command, and the one way a command refuses to run.
import { readBoundedFile } from '../bounded-read.ts';
import {
  formatProblem,
  knownSecretValues,
  loadConfig,
  type Env,
  type LoadedConfig,
  type LoadOptions,
  type Role,
} from '../config.ts';
import { checkFileAccess, filesOpened } from '../file-access.ts';
import { scrubSecrets } from '../log.ts';
import { terminalSafe } from './terminal-safe.ts';

/** The config file, *_FILE secrets and the SSH key: regular files of bounded size only. */
export const readText = (path: string): string => readBoundedFile(path);

/** A refusal whose message is already free of secrets; main prints it and exits non-zero. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function loadOrRefuse(env: Env, options: LoadOptions): LoadedConfig {
  const result = loadConfig(env, readText, options);
  if (result.ok) return result.value;
  const file = options.file ?? env.RUNNERBOT_CONFIG ?? './runnerbot.yaml';
  const lines = result.error.map((p) => `  ${formatProblem(file, p)}`);
  throw new CliError(
    `the configuration has ${lines.length} problem(s) (runnerbot config check lists them):\n${lines.join('\n')}`,
  );
}

/** Scrubs a loaded configuration's secrets (and token-shaped strings) from `text`, and makes it safe for a terminal. */
export const scrubFor = (loaded: LoadedConfig) => (text: string) =>
  terminalSafe(scrubSecrets(text, knownSecretValues(loaded)));

/** Refuses to start when a file the process will open (CA, known hosts) cannot be opened as it will be. */
export function refuseUnopenableFiles(loaded: LoadedConfig, role: Role): void {
  const problems = checkFileAccess(filesOpened(loaded, role));
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${formatProblem(loaded.file, p)}`);
  throw new CliError(`runnerbot ${role} cannot open ${lines.length} file(s) it needs:\n${lines.join('\n')}`);
}
