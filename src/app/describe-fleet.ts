// `list` and `status NAME`: what runnerbot knows of each runner (the fleet record, its runs)
// joined with what Proxmox and GitLab say now. A service that does not answer leaves its part
// unknown and says so; it never hides the rest.
import type { FleetEntry, GitlabRunner, Hypervisor, RunStore, RunnerRegistry, VmSummary, Fleet } from '../core/ports.ts';
import { FINAL_STATUSES, type RunRecord } from '../core/run.ts';

export interface DescribeFleetDeps {
  fleet: Fleet;
  runs: RunStore;
  hypervisor: Pick<Hypervisor, 'listVms'>;
  registry: Pick<RunnerRegistry, 'getRunner' | 'findRunnersByDescription'>;
}

export interface RunnerView {
  name: string;
  entry: FleetEntry | null;
  /** The managed VM of that name; undefined when Proxmox did not answer. */
  vm: VmSummary | null | undefined;
  /** The GitLab runner; undefined when GitLab did not answer. */
  gitlab: GitlabRunner | null | undefined;
  lastRun: RunRecord | null;
}

export interface FleetDescription {
  runners: RunnerView[];
  /** "Proxmox did not answer: …" and the like. */
  problems: string[];
}

const MANAGED = ['gitlab-runner', 'runnerbot'];
const RECENT_RUNS = 50;

async function attempt<T>(what: string, problems: string[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    problems.push(`${what} did not answer: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function gitlabRunnerOf(registry: DescribeFleetDeps['registry'], name: string, entry: FleetEntry | null): Promise<GitlabRunner | null> {
  if (entry) return registry.getRunner(entry.runnerId);
  const [found] = await registry.findRunnersByDescription(name);
  return found ?? null;
}

/** Every runner (or only `name`), sorted by name. */
export async function describeFleet(deps: DescribeFleetDeps, input: { name?: string } = {}): Promise<FleetDescription> {
  const problems: string[] = [];
  const [entries, vms, recent] = await Promise.all([
    input.name ? deps.fleet.get(input.name).then((e) => (e ? [e] : [])) : deps.fleet.list(),
    attempt('Proxmox', problems, () => deps.hypervisor.listVms()),
    deps.runs.recent(RECENT_RUNS),
  ]);
  const managed = vms?.filter((vm) => !vm.template && MANAGED.every((tag) => vm.tags.includes(tag)));
  // A runner being provisioned for the first time has neither a fleet record nor (yet) a VM.
  const inFlight = recent.filter((r) => !FINAL_STATUSES.includes(r.status)).map((r) => r.runner);
  const names = new Set([...entries.map((e) => e.name), ...(managed ?? []).map((vm) => vm.name), ...inFlight]);
  if (input.name) {
    for (const n of names) if (n !== input.name) names.delete(n);
    names.add(input.name);
  }
  let gitlabDown = false;
  const runners = await Promise.all(
    [...names].sort().map(async (name): Promise<RunnerView> => {
      const entry = entries.find((e) => e.name === name) ?? null;
      const [gitlab, last] = await Promise.all([
        gitlabRunnerOf(deps.registry, name, entry).catch((error: unknown) => {
          if (!gitlabDown) problems.push(`GitLab did not answer: ${error instanceof Error ? error.message : String(error)}`);
          gitlabDown = true;
          return undefined;
        }),
        deps.runs.recent(1, name),
      ]);
      const vm = managed === undefined ? undefined : (managed.find((v) => v.name === name) ?? null);
      return { name, entry, vm, gitlab, lastRun: last[0] ?? null };
    }),
  );
  return { runners, problems };
}
