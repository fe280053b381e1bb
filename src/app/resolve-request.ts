// A change command -> the spec and plan it would run. Pure; shared by request-job and --dry-run.
import type { Command } from '../core/command.ts';
import { err, ok, type Result } from '../core/errors.ts';
import { ALL_RUNNERS, planFor, type StepName } from '../core/plan.ts';
import type { FleetEntry } from '../core/ports.ts';
import { resolveSpec } from '../core/resolve-spec.ts';
import { validateRunnerName } from '../core/runner-name.ts';
import type { RunnerSpec } from '../core/spec.ts';
import type { RequestPolicy } from './request-policy.ts';

export type ChangeCommand = Extract<Command, { kind: 'provision' | 'reprovision' | 'deprovision' | 'rotate-token' }>;

export interface ResolvedRequest {
  spec: RunnerSpec;
  plan: StepName[];
}

/** `existing` is the fleet's entry for the runner: a rebuild keeps its profile unless overridden. */
export function resolveRequest(
  policy: RequestPolicy,
  command: ChangeCommand,
  existing: FleetEntry | null,
): Result<ResolvedRequest> {
  if (command.kind === 'rotate-token') return resolveRotation(policy, command.name, existing);
  const name = validateRunnerName(command.name, policy.namePattern);
  if (!name.ok) return name;
  const kept = existing && Object.hasOwn(policy.profiles, existing.profile) ? existing.profile : undefined;
  const request =
    command.kind === 'provision'
      ? command
      : { name: command.name, profile: (command.kind === 'reprovision' ? command.profile : undefined) ?? kept };
  const spec = resolveSpec(policy.profiles, policy.defaultProfile, request, { nodes: policy.nodes });
  if (!spec.ok) return err(spec.error);
  const inPlace = command.kind === 'reprovision' && command.inPlace === true;
  return ok({
    spec: spec.value,
    plan: planFor(command.kind, { inPlace, validate: policy.validate === true, siteHook: policy.siteHook === true }),
  });
}

/** A rotation changes no spec: the run carries the runner's profile (the default one for `--all`) for its messages. */
function resolveRotation(policy: RequestPolicy, name: string, existing: FleetEntry | null): Result<ResolvedRequest> {
  if (name !== ALL_RUNNERS && !existing)
    return err({ code: 'RUNNER.NOT_FOUND', message: `runnerbot manages no runner named ${name}; see \`list\`` });
  const profile = existing && Object.hasOwn(policy.profiles, existing.profile) ? existing.profile : undefined;
  const spec = resolveSpec(policy.profiles, policy.defaultProfile, { name, ...(profile ? { profile } : {}) });
  if (!spec.ok) return err(spec.error);
  const tags = existing ? { tags: existing.tags } : {};
  return ok({ spec: { ...spec.value, ...tags }, plan: planFor('rotate-token', { runner: name }) });
}
