// A request's profile and overrides -> the RunnerSpec to build, with every bad override named.
import { err, ok, type Result } from './errors.ts';
import { quoteInput } from './command-echo.ts';
import { didYouMean } from './did-you-mean.ts';
import type { Profile, RunnerSpec } from './spec.ts';

export interface SpecRequest {
  name: string;
  profile?: string;
  cores?: number;
  memoryMiB?: number;
  diskGiB?: number;
  /** Added to the profile's tags (a runner keeps the jobs its profile promises). */
  tags?: string[];
  node?: string;
}

export interface SpecLimits {
  /** The configured Proxmox nodes; `--node` must be one of them. */
  nodes: string[];
}

export const SPEC_BOUNDS = {
  cores: { min: 1, max: 128 },
  memoryMiB: { min: 512, max: 1_048_576 },
  diskGiB: { min: 8, max: 4096 },
};

/** A GitLab runner tag as runnerbot accepts it (the same rule as the profiles in the config). */
export const TAG_SYNTAX = /^[a-z0-9][a-z0-9._-]{0,62}$/;

const NODE_SYNTAX = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function resolveSpec(
  profiles: Record<string, Profile>,
  defaultProfile: string,
  request: SpecRequest,
  limits?: SpecLimits,
): Result<RunnerSpec> {
  const profileName = request.profile ?? defaultProfile;
  const profile = Object.hasOwn(profiles, profileName) ? profiles[profileName] : undefined;
  if (!profile) return unknownProfile(profiles, profileName, request.profile === undefined);
  const problems = overrideProblems(profileName, profile, request, limits);
  if (problems.length > 0) return err({ code: 'SPEC.INVALID', message: problems.join('; ') });
  const spec: RunnerSpec = {
    ...profile,
    name: request.name,
    profile: profileName,
    cores: request.cores ?? profile.cores,
    memoryMiB: request.memoryMiB ?? profile.memoryMiB,
    diskGiB: request.diskGiB ?? profile.diskGiB,
    tags: [...new Set([...profile.tags, ...(request.tags ?? [])])],
  };
  if (request.node !== undefined) spec.node = request.node;
  return ok(spec);
}

function unknownProfile(profiles: Record<string, Profile>, name: string, isDefault: boolean): Result<never> {
  const known = Object.keys(profiles).sort();
  const suggestion = isDefault ? undefined : didYouMean(name, known);
  const subject = isDefault
    ? `the default profile ${quoteInput(name)} is not configured`
    : `unknown profile ${quoteInput(name)}`;
  const hint = suggestion ? `did you mean \`${suggestion}\`? ` : '';
  const list = known.length > 0 ? `known profiles: ${known.join(', ')}` : 'no profiles are configured';
  return err({ code: 'PROFILE.UNKNOWN', message: `${subject}; ${hint}${list}` });
}

function outOfRange(
  flag: string,
  value: number,
  { min, max }: { min: number; max: number },
  unit: string,
): string | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `\`--${flag}\` must be a whole number from ${min} to ${max}${unit}, got ${value}`;
}

function overrideProblems(profileName: string, profile: Profile, request: SpecRequest, limits?: SpecLimits): string[] {
  const problems: (string | undefined)[] = [];
  if (request.cores !== undefined) problems.push(outOfRange('cores', request.cores, SPEC_BOUNDS.cores, ''));
  if (request.memoryMiB !== undefined)
    problems.push(outOfRange('memory', request.memoryMiB, SPEC_BOUNDS.memoryMiB, ' MiB'));
  if (request.diskGiB !== undefined) {
    const range = outOfRange('disk', request.diskGiB, SPEC_BOUNDS.diskGiB, ' GiB');
    const shrinks =
      request.diskGiB < profile.diskGiB
        ? `\`--disk\` ${request.diskGiB} GiB is smaller than profile \`${profileName}\`'s ${profile.diskGiB} GiB; a disk can only grow`
        : undefined;
    problems.push(range ?? shrinks);
  }
  for (const tag of request.tags ?? []) {
    if (!TAG_SYNTAX.test(tag)) {
      problems.push(
        `\`--tags\`: ${quoteInput(tag)} is not a tag; use lower-case letters, digits, '.', '_' and '-' (at most 63 characters)`,
      );
    }
  }
  if (request.node !== undefined && limits && !limits.nodes.includes(request.node)) {
    problems.push(
      `\`--node\`: ${quoteInput(request.node)} is not a configured Proxmox node; configured: ${limits.nodes.join(', ')}`,
    );
  } else if (request.node !== undefined && !NODE_SYNTAX.test(request.node)) {
    problems.push(`\`--node\`: ${quoteInput(request.node)} is not a Proxmox node name`);
  }
  return problems.filter((p): p is string => p !== undefined);
}
