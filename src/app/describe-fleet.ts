// `list` and `status NAME`: what runnerbot knows of each runner (the fleet record, its runs)
// joined with what Proxmox and GitLab said in the upstream view (see fleet-view.ts), whose age
// the answer carries. A service that did not answer leaves its part unknown and says so; it
// never hides the rest.
import type { UpstreamView } from '../core/fleet-view.ts';
import type { FleetEntry, GitlabRunner, RunStore, VmSummary, Fleet } from '../core/ports.ts';
import { FINAL_STATUSES, type RunRecord } from '../core/run.ts';
import { RECENT_RUNS } from './fleet-view.ts';

export interface DescribeFleetDeps {
  fleet: Fleet;
  runs: RunStore;
  /** Proxmox and GitLab's side: `sharedUpstream(...)` in the bot, `readUpstream` for a one-off. */
  upstream(): Promise<UpstreamView>;
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
  /** When Proxmox and GitLab were asked (ms since the epoch); absent when they were not. */
  upstreamAt?: number;
}

/** A runner being provisioned for the first time has neither a fleet record nor (yet) a VM: only a run. */
async function runnersInFlight(runs: RunStore): Promise<string[]> {
  const recent = await runs.recent(RECENT_RUNS);
  return recent.filter((r) => !FINAL_STATUSES.includes(r.status)).map((r) => r.runner);
}

/** Every runner (or only `name`), sorted by name. */
export async function describeFleet(deps: DescribeFleetDeps, input: { name?: string } = {}): Promise<FleetDescription> {
  const [entries, upstream, inFlight] = await Promise.all([
    input.name ? deps.fleet.get(input.name).then((e) => (e ? [e] : [])) : deps.fleet.list(),
    deps.upstream(),
    input.name ? [] : runnersInFlight(deps.runs),
  ]);
  const { vms, gitlab } = upstream;
  const names = input.name
    ? [input.name]
    : [...new Set([...entries.map((e) => e.name), ...(vms ?? []).map((vm) => vm.name), ...inFlight])].sort();
  const runners = await Promise.all(
    names.map(async (name): Promise<RunnerView> => {
      const [last] = await deps.runs.recent(1, name);
      return {
        name,
        entry: entries.find((e) => e.name === name) ?? null,
        vm: vms === undefined ? undefined : (vms.find((v) => v.name === name) ?? null),
        gitlab: gitlab === undefined ? undefined : (gitlab[name] ?? null),
        lastRun: last ?? null,
      };
    }),
  );
  return { runners, problems: upstream.problems, ...(upstream.calls > 0 ? { upstreamAt: upstream.takenAt } : {}) };
}
