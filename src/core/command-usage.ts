// The one usage text of `/runner` and of the `runnerbot` CLI, which takes the same commands
// (src/composition/commands.ts reads its rows from here).

export const SUBCOMMANDS = [
  'provision',
  'reprovision',
  'deprovision',
  'rotate-token',
  'scale',
  'pools',
  'list',
  'status',
  'audit',
  'doctor',
  'help',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

interface Synopsis {
  args: string;
  what: string;
  /** What only the terminal takes (where it accepts more than Slack). */
  terminalArgs?: string;
  /** A note for one surface only, shown in parentheses after `what`. */
  inSlack?: string;
  inTerminal?: string;
}

const SYNOPSIS: Record<Subcommand, Synopsis> = {
  provision: {
    args: 'NAME [--profile P] [--cores N] [--memory MiB] [--disk GiB] [--tags a,b] [--node X] [--dry-run]',
    terminalArgs:
      'NAME [--profile P] [--cores N] [--memory MiB] [--disk GiB] [--tags a,b] [--node X] [--dry-run [--json]]',
    what: "create a runner VM from a profile; --memory takes MiB (or 8G), --disk GiB, --tags are added to the profile's",
    inTerminal: 'runs in this process, one line per step: break-glass, no Slack needed',
  },
  reprovision: {
    args: 'NAME [--profile P] [--reason TEXT] [--in-place] [--dry-run]',
    terminalArgs: 'NAME [--profile P] [--reason TEXT] [--in-place] [--dry-run [--json]] [--yes]',
    what: 'rebuild a runner from scratch under the same name: a successor is built and verified before the old one is drained and removed; --in-place removes the old one first (for clusters without room for both)',
    inSlack: 'a second person approves',
    inTerminal: 'asks first; --yes for scripts',
  },
  deprovision: {
    args: 'NAME [--reason TEXT] [--dry-run]',
    terminalArgs: 'NAME [--reason TEXT] [--dry-run [--json]] [--yes]',
    what: 'delete a runner from GitLab and its VM',
    inSlack: 'a second person approves',
    inTerminal: 'asks first; --yes for scripts',
  },
  'rotate-token': {
    args: 'NAME|--all [--reason TEXT]',
    terminalArgs: 'NAME|--all [--reason TEXT] [--yes]',
    what: 'give a runner (or, one at a time, every runner) a new GitLab token and install it on the VM without a rebuild; running jobs go on',
    inSlack: 'a second person approves',
    inTerminal: 'asks first; --yes for scripts',
  },
  list: { args: '', terminalArgs: '[--json]', what: 'every runner runnerbot manages, with its state' },
  status: {
    args: 'NAME',
    terminalArgs: 'NAME [--json]',
    what: 'one runner: its profile, VM, GitLab runner, last contact, recent runs and any drift between them',
  },
  audit: {
    args: '[NAME]',
    terminalArgs: '[NAME | --runner NAME] [--since DURATION] [--verbose | --json]',
    what: 'recent requests, approvals and results, one line per run',
    inTerminal: 'oldest first; DURATION like 30m, 12h, 7d, 2w; --verbose for every entry',
  },
  scale: {
    args: 'PROFILE=N',
    terminalArgs: 'PROFILE=N [--yes]',
    inTerminal: 'shrinking asks first; --yes for scripts',
    what: 'keep N runners of a profile (gitlab-runner-PROFILE-01, …); removing runners needs a second person',
  },
  pools: { args: '', what: 'each pool: desired and actual runners, and what the reconciler is doing' },
  doctor: {
    args: '',
    what: 'check the configuration against Proxmox, GitLab, Slack, Redis, SSH and Alertmanager, one line per check',
    inSlack: 'approvers only; it runs where the bot runs',
    inTerminal: 'exit 0 only when all pass',
  },
  help: { args: '[COMMAND]', what: 'this text' },
};

const NOTES = [
  '--dry-run shows the resolved spec and the plan and changes nothing.',
  '--reason takes the rest of the line, or a quoted text followed by more options.',
];

export type UsagePrefix = '/runner' | 'runnerbot';

/** A subcommand's arguments and what it does, as one surface (Slack or the terminal) offers it. */
export function synopsisOf(subcommand: Subcommand, prefix: UsagePrefix = '/runner'): { args: string; what: string } {
  const { args, what, terminalArgs, inSlack, inTerminal } = SYNOPSIS[subcommand];
  const terminal = prefix === 'runnerbot';
  const note = terminal ? inTerminal : inSlack;
  return { args: (terminal ? terminalArgs : undefined) ?? args, what: note ? `${what} (${note})` : what };
}

/** The usage of one subcommand: its synopsis line and what it does. */
export function usageOf(subcommand: Subcommand, prefix: UsagePrefix = '/runner'): string {
  const { args, what } = synopsisOf(subcommand, prefix);
  return `Usage: ${[prefix, subcommand, args].filter(Boolean).join(' ')}\n  ${what}`;
}

export function usageText(prefix: UsagePrefix = '/runner'): string {
  const lines = SUBCOMMANDS.map((sub) => {
    const { args, what } = synopsisOf(sub, prefix);
    return `${[prefix, sub, args].filter(Boolean).join(' ')}\n    ${what}`;
  });
  return ['Usage:', ...lines, '', ...NOTES].join('\n');
}

/** The whole help text, as `/runner help` shows it. */
export const USAGE = usageText('/runner');
