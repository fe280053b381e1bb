// The usage text of `/runner` (and of the `runnerbot` CLI, which takes the same commands).

export const SUBCOMMANDS = ['provision', 'reprovision', 'deprovision', 'scale', 'pools', 'list', 'status', 'audit', 'help'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

const SYNOPSIS: Record<Subcommand, { args: string; what: string }> = {
  provision: {
    args: 'NAME [--profile P] [--cores N] [--memory MiB] [--disk GiB] [--tags a,b] [--node X] [--dry-run]',
    what: 'create a runner VM from a profile; --memory takes MiB (or 8G), --disk GiB, --tags are added to the profile\'s',
  },
  reprovision: {
    args: 'NAME [--profile P] [--reason TEXT] [--dry-run]',
    what: 'rebuild a runner from scratch under the same name (a second person approves)',
  },
  deprovision: {
    args: 'NAME [--reason TEXT] [--dry-run]',
    what: 'delete a runner from GitLab and its VM (a second person approves)',
  },
  scale: {
    args: 'PROFILE=N',
    what: 'keep N runners of a profile (gitlab-runner-PROFILE-01, …); removing runners needs a second person',
  },
  pools: { args: '', what: 'each pool: desired and actual runners, and what the reconciler is doing' },
  list: { args: '', what: 'every runner runnerbot manages, with its state' },
  status: { args: 'NAME', what: 'one runner: its VM, GitLab status, last contact and recent runs' },
  audit: { args: '[NAME]', what: 'recent requests, approvals and results' },
  help: { args: '[COMMAND]', what: 'this text' },
};

const NOTES = [
  '--dry-run shows the resolved spec and the plan and changes nothing.',
  '--reason takes the rest of the line, or a quoted text followed by more options.',
];

export type UsagePrefix = '/runner' | 'runnerbot';

/** The usage of one subcommand: its synopsis line and what it does. */
export function usageOf(subcommand: Subcommand, prefix: UsagePrefix = '/runner'): string {
  const { args, what } = SYNOPSIS[subcommand];
  return `Usage: ${[prefix, subcommand, args].filter(Boolean).join(' ')}\n  ${what}`;
}

export function usageText(prefix: UsagePrefix = '/runner'): string {
  const lines = SUBCOMMANDS.map((sub) => {
    const { args, what } = SYNOPSIS[sub];
    return `${[prefix, sub, args].filter(Boolean).join(' ')}\n    ${what}`;
  });
  return ['Usage:', ...lines, '', ...NOTES].join('\n');
}

/** The whole help text, as `/runner help` shows it. */
export const USAGE = usageText('/runner');
