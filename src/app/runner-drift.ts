// Where runnerbot's record of a runner, its VM and GitLab disagree: `status` shows each
// disagreement, so nobody trusts a record that the VM or GitLab no longer matches.
import type { FleetEntry, GitlabRunner, Hypervisor, RunStore } from '../core/ports.ts';
import type { RunnerSpec } from '../core/spec.ts';
import { builtSpecOf } from './spec-change.ts';

export interface DriftInput {
  entry: FleetEntry | null;
  /** The spec of the last successful build. */
  built: RunnerSpec | null;
  /** undefined when GitLab did not answer. */
  gitlab: GitlabRunner | null | undefined;
  /** The VM's `/config`; undefined when not read or Proxmox did not answer, null when there is no VM. */
  vmConfig: Record<string, string | number> | null | undefined;
}

const sameSet = (a: string[], b: string[]) => [...new Set(a)].sort().join(',') === [...new Set(b)].sort().join(',');
const list = (tags: string[]) => `[${[...tags].sort().join(', ')}]`;

/** Each disagreement, as a sentence naming both sides. Pure. */
export function driftOf({ entry, built, gitlab, vmConfig }: DriftInput): string[] {
  if (!entry) return [];
  const drift: string[] = [];
  if (built && built.profile !== entry.profile)
    drift.push(`record says profile ${entry.profile}, the last build used ${built.profile}`);
  if (gitlab === null) drift.push(`record says GitLab runner #${entry.runnerId}, GitLab has no such runner`);
  if (gitlab && !sameSet(gitlab.tagList, entry.tags)) {
    drift.push(`GitLab tags ${list(gitlab.tagList)} differ from the record's ${list(entry.tags)}`);
  }
  if (vmConfig === null) drift.push(`record says VM ${entry.vmid} on ${entry.node}, Proxmox has no such VM`);
  if (vmConfig && built) {
    const cores = Number(vmConfig.cores);
    const memory = Number(/(?:^|current=)(\d+)/.exec(String(vmConfig.memory ?? ''))?.[1]);
    if (cores !== built.cores) drift.push(`VM has ${cores} cores, profile ${built.profile} builds ${built.cores}`);
    if (memory !== built.memoryMiB)
      drift.push(`VM has ${memory} MiB of memory, profile ${built.profile} builds ${built.memoryMiB} MiB`);
  }
  return drift;
}

/** Reads the last build and the VM's config, then compares them with the record and GitLab. */
export async function findDrift(
  deps: { runs: Pick<RunStore, 'recent'>; hypervisor: Pick<Hypervisor, 'getVmConfig'> },
  view: {
    name: string;
    entry: FleetEntry | null;
    gitlab: GitlabRunner | null | undefined;
    vmPresent: boolean | undefined;
  },
): Promise<string[]> {
  if (!view.entry) return [];
  const { entry } = view;
  const built = await builtSpecOf(deps.runs, view.name);
  let vmConfig: DriftInput['vmConfig'];
  if (view.vmPresent === false) vmConfig = null;
  else if (view.vmPresent) vmConfig = await deps.hypervisor.getVmConfig(entry.node, entry.vmid).catch(() => undefined);
  return driftOf({ entry, built, gitlab: view.gitlab, vmConfig });
}
