// The command table: a command is a file in src/cli exporting a handler, plus one row here.
import type { Env } from '../config.ts';

/** Returns the process' exit code; throws CliError to refuse with a message. */
export type CommandHandler = (argv: string[], env: Env) => Promise<number>;

export interface CommandEntry {
  usage: string;
  summary: string;
  load: () => Promise<CommandHandler>;
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
  provision: {
    usage: 'provision NAME [--profile P] [--cores N] [--memory MiB] [--disk GiB] [--tags a,b] [--node X] [--dry-run]',
    summary: 'build a runner VM in this process, printing one line per step (break-glass, no Slack needed)',
    load: async () => (await import('./change.ts')).changeCommand('provision'),
  },
  deprovision: {
    usage: 'deprovision NAME [--reason TEXT] [--dry-run]',
    summary: 'remove a runner: its GitLab runner, then its VM',
    load: async () => (await import('./change.ts')).changeCommand('deprovision'),
  },
  reprovision: {
    usage: 'reprovision NAME [--profile P] [--reason TEXT] [--dry-run]',
    summary: 'rebuild a runner from scratch under the same name',
    load: async () => (await import('./change.ts')).changeCommand('reprovision'),
  },
  scale: {
    usage: 'scale PROFILE=N',
    summary: 'keep N runners of a profile; the workers provision or rebuild until the pool matches',
    load: async () => (await import('./pools.ts')).poolsCommand('scale'),
  },
  pools: {
    usage: 'pools',
    summary: 'each pool: desired and actual runners, and what the reconciler is doing',
    load: async () => (await import('./pools.ts')).poolsCommand('pools'),
  },
  list: {
    usage: 'list',
    summary: 'every managed runner: its VM, its GitLab runner and its last run',
    load: async () => (await import('./fleet.ts')).fleetCommand('list'),
  },
  status: {
    usage: 'status NAME',
    summary: 'one runner: its VM, its GitLab runner and its last run',
    load: async () => (await import('./fleet.ts')).fleetCommand('status'),
  },
  audit: {
    usage: 'audit [NAME | --runner NAME] [--since 7d]',
    summary: 'print the audit trail (who asked, who approved, what ran), oldest first',
    load: async () => (await import('./run-audit.ts')).runAudit,
  },
  config: {
    usage: 'config check [FILE] [--for bot|worker|all]',
    summary: 'print every problem in the configuration, or the effective configuration with secrets masked',
    load: async () => (await import('./config-check.ts')).configCommand,
  },
};
