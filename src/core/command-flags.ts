// The options of `/runner` subcommands and how each one's value is read.
import { err, ok, type Result } from './errors.ts';
import { quoteInput } from './command-echo.ts';
import type { Subcommand } from './command-usage.ts';
import type { SpecRequest } from './resolve-spec.ts';

export const FLAG_NAMES = [
  'profile',
  'cores',
  'memory',
  'disk',
  'tags',
  'node',
  'reason',
  'dry-run',
  'in-place',
  'all',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];
/** The options that take no value: present or not. */
export type SwitchFlag = 'dry-run' | 'in-place' | 'all';
export type ValueFlag = Exclude<FlagName, SwitchFlag>;

export const FLAGS_OF: Record<Subcommand, readonly FlagName[]> = {
  provision: ['profile', 'cores', 'memory', 'disk', 'tags', 'node', 'dry-run'],
  reprovision: ['profile', 'reason', 'in-place', 'dry-run'],
  deprovision: ['reason', 'dry-run'],
  'rotate-token': ['all', 'reason'],
  scale: [],
  pools: [],
  list: [],
  status: [],
  audit: [],
  doctor: [],
  help: [],
};

export const MAX_REASON_CHARS = 500;

/** The spec overrides of `resolveSpec`, plus the flags that are not part of a spec. */
export interface ParsedFlags extends Omit<SpecRequest, 'name'> {
  reason?: string;
  dryRun: boolean;
  inPlace?: boolean;
  all?: boolean;
}

/** What a value-taking option expects, for "`--profile` expects a profile name". */
export const EXPECTS: Record<ValueFlag, string> = {
  profile: 'a profile name',
  cores: 'a whole number',
  memory: 'MiB as a whole number (or with a unit, like 8G)',
  disk: 'GiB as a whole number (or with a unit, like 1T)',
  tags: 'comma-separated tags (like docker,linux)',
  node: 'a Proxmox node name',
  reason: 'some text',
};

const MEMORY = /^(\d+)\s*(m|mi|mib|mb|g|gi|gib|gb)?$/i;
const DISK = /^(\d+)\s*(g|gi|gib|gb|t|ti|tib|tb)?$/i;

function wholeNumber(digits: string, multiplier: number): number | undefined {
  const n = Number(digits) * multiplier;
  return Number.isSafeInteger(n) ? n : undefined;
}

function readAmount(pattern: RegExp, bigUnit: string, bigMultiplier: number, value: string): number | undefined {
  const match = pattern.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? '').toLowerCase();
  return wholeNumber(match[1]!, unit.startsWith(bigUnit) ? bigMultiplier : 1);
}

/** Reads one option's value into `flags`, or says what was wrong with it. */
export function applyFlagValue(flags: ParsedFlags, flag: ValueFlag, value: string): Result<void, string> {
  const wrong = err(`\`--${flag}\` expects ${EXPECTS[flag]}, got ${quoteInput(value)}`);
  switch (flag) {
    case 'profile':
    case 'node':
    case 'reason':
      if (value.trim() === '') return err(`\`--${flag}\` expects ${EXPECTS[flag]}`);
      if (flag === 'reason' && [...value].length > MAX_REASON_CHARS) {
        return err(`\`--reason\` is too long: at most ${MAX_REASON_CHARS} characters`);
      }
      flags[flag] = value.trim();
      return ok(undefined);
    case 'cores': {
      const cores = /^\d+$/.test(value) ? wholeNumber(value, 1) : undefined;
      if (cores === undefined) return wrong;
      flags.cores = cores;
      return ok(undefined);
    }
    case 'memory': {
      const mib = readAmount(MEMORY, 'g', 1024, value);
      if (mib === undefined) return wrong;
      flags.memoryMiB = mib;
      return ok(undefined);
    }
    case 'disk': {
      const gib = readAmount(DISK, 't', 1024, value);
      if (gib === undefined) return wrong;
      flags.diskGiB = gib;
      return ok(undefined);
    }
    case 'tags': {
      const tags = value
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      if (tags.length === 0) return wrong;
      flags.tags = tags;
      return ok(undefined);
    }
  }
}
