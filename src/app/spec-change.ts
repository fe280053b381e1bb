// `provision` of a runner that already exists may repair it (same spec) but never change what it
// is: a new profile, size or tag set is a rebuild, which goes through `reprovision` (approval-gated
// in Slack) so that the VM, config.toml, GitLab's tags and runnerbot's record change together.
import { err, ok, type Result } from '../core/errors.ts';
import type { FleetEntry, RunStore } from '../core/ports.ts';
import type { RunnerSpec } from '../core/spec.ts';

/** The spec the runner was last built with: its last successful provision or reprovision. */
export async function builtSpecOf(runs: Pick<RunStore, 'recent'>, name: string): Promise<RunnerSpec | null> {
  const recent = await runs.recent(20, name);
  const built = recent.find((r) => r.status === 'succeeded' && (r.kind === 'provision' || r.kind === 'reprovision'));
  return built?.spec ?? null;
}

/** Each difference between what the runner is and what the request asks for, as `what: from → to`. */
export function specChanges(entry: FleetEntry, built: RunnerSpec | null, wanted: RunnerSpec): string[] {
  const changes: string[] = [];
  const differs = (what: string, from: unknown, to: unknown) => {
    if (from !== to) changes.push(`${what} ${String(from)} → ${String(to)}`);
  };
  differs('profile', entry.profile, wanted.profile);
  if (built) {
    differs('cores', built.cores, wanted.cores);
    differs('memory (MiB)', built.memoryMiB, wanted.memoryMiB);
    differs('disk (GiB)', built.diskGiB, wanted.diskGiB);
    differs('privileged', built.privileged, wanted.privileged);
  }
  const from = [...entry.tags].sort().join(', ');
  const to = [...new Set(wanted.tags)].sort().join(', ');
  if (from !== to) changes.push(`tags [${from}] → [${to}]`);
  if (wanted.node !== undefined) differs('node', entry.node, wanted.node);
  return changes;
}

/** Refuses a provision that would change an existing runner, naming each change and the way to make it. */
export async function refuseSpecChange(
  runs: Pick<RunStore, 'recent'>,
  entry: FleetEntry,
  wanted: RunnerSpec,
): Promise<Result<void>> {
  const changes = specChanges(entry, await builtSpecOf(runs, entry.name), wanted);
  if (changes.length === 0) return ok(undefined);
  return err({
    code: 'RUNNER.SPEC_CHANGE',
    message:
      `${entry.name} already exists and provision would change it (${changes.join('; ')}). ` +
      `Changing an existing runner is a rebuild: use \`reprovision ${entry.name} --profile ${wanted.profile}\` ` +
      '(in Slack it needs a second person’s approval); `provision` only repairs a runner as it is.',
  });
}
