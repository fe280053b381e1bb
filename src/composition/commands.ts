// The command table: a command is a file in src/composition exporting a handler, plus one row here.
// The commands Slack has too take their usage from src/core/command-usage.ts.
import type { Env } from '../config.ts';
import { synopsisOf, type Subcommand } from '../core/command-usage.ts';

/** Returns the process' exit code; throws CliError to refuse with a message. */
export type CommandHandler = (argv: string[], env: Env) => Promise<number>;

export interface CommandEntry {
  usage: string;
  summary: string;
  load: () => Promise<CommandHandler>;
}

/** A command Slack's `/runner` has too: its usage line and summary come from the one usage text. */
function shared(subcommand: Subcommand, load: () => Promise<CommandHandler>): CommandEntry {
  const { args, what } = synopsisOf(subcommand, 'runnerbot');
  return { usage: [subcommand, args].filter(Boolean).join(' '), summary: what, load };
}

export const COMMANDS: Record<string, CommandEntry> = {
  bot: {
    usage: 'bot',
    summary: 'the Slack-facing process (and GET /healthz, /metrics)',
    load: async () => (await import('./serve.ts')).serveCommand('bot'),
  },
  worker: {
    usage: 'worker',
    summary: 'the process that runs provisioning jobs (and GET /healthz, /metrics)',
    load: async () => (await import('./serve.ts')).serveCommand('worker'),
  },
  all: {
    usage: 'all',
    summary: 'bot and worker in one process (the default of the container)',
    load: async () => (await import('./serve.ts')).serveCommand('all'),
  },
  provision: shared('provision', async () => (await import('./change.ts')).changeCommand('provision')),
  deprovision: shared('deprovision', async () => (await import('./change.ts')).changeCommand('deprovision')),
  reprovision: shared('reprovision', async () => (await import('./change.ts')).changeCommand('reprovision')),
  'rotate-token': shared('rotate-token', async () => (await import('./change.ts')).changeCommand('rotate-token')),
  list: shared('list', async () => (await import('./fleet.ts')).fleetCommand('list')),
  status: shared('status', async () => (await import('./fleet.ts')).fleetCommand('status')),
  scale: shared('scale', async () => (await import('./pools.ts')).poolsCommand('scale')),
  pools: shared('pools', async () => (await import('./pools.ts')).poolsCommand('pools')),
  audit: shared('audit', async () => (await import('./run-audit.ts')).runAudit),
  validation: {
    usage: 'validation install',
    summary: 'commit the validation jobs (validation/*.gitlab-ci.yml) into the validation project',
    load: async () => (await import('./validation.ts')).validationCommand,
  },
  doctor: shared('doctor', async () => (await import('./doctor/doctor.ts')).doctorCommand),
  config: {
    usage: 'config check [FILE] [--for bot|worker|all]',
    summary: 'print every problem in the configuration, or the effective configuration with secrets masked',
    load: async () => (await import('./config-check.ts')).configCommand,
  },
};
