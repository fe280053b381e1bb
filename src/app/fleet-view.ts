// The fleet as Proxmox and GitLab see it, read at a bounded rate and shared. `readUpstream` asks
// them now (one VM listing, one GitLab lookup per runner name runnerbot knows); `sharedUpstream`
// serves the stored view while it is fresh, lets one reader (across processes, by a claim in the
// store) refresh it when due, and meanwhile serves the previous view with its age.
import { refreshDueAt, type UpstreamView, type UpstreamViewStore } from '../core/fleet-view.ts';
import type { Clock, Fleet, FleetEntry, GitlabRunner, Hypervisor, RunStore, RunnerRegistry } from '../core/ports.ts';
import { FINAL_STATUSES } from '../core/run.ts';
import { isSuccessorName } from '../core/successor.ts';

export interface UpstreamDeps {
  fleet: Fleet;
  runs: RunStore;
  hypervisor: Pick<Hypervisor, 'listVms'>;
  registry: Pick<RunnerRegistry, 'getRunner' | 'findRunnersByDescription'>;
  clock: Clock;
}

const MANAGED = ['gitlab-runner', 'runnerbot'];
export const RECENT_RUNS = 50;
/** A refresh that takes longer than this (a crashed reader) lets another reader try. */
const CLAIM_MS = 15_000;
/** How long a reader waits for another's first view before answering without one. */
const FIRST_VIEW_WAIT_MS = 10_000;
const WAIT_STEP_MS = 50;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function gitlabRunnerOf(
  registry: UpstreamDeps['registry'],
  name: string,
  entry: FleetEntry | undefined,
): Promise<GitlabRunner | null> {
  if (entry) return registry.getRunner(entry.runnerId);
  const [found] = await registry.findRunnersByDescription(name);
  return found ?? null;
}

/** Proxmox and GitLab now, for every runner name runnerbot knows (fleet records, managed VMs, runs in flight). */
export async function readUpstream(deps: UpstreamDeps): Promise<UpstreamView> {
  const problems: string[] = [];
  const [entries, recent, vms] = await Promise.all([
    deps.fleet.list(),
    deps.runs.recent(RECENT_RUNS),
    deps.hypervisor
      .listVms()
      .catch((error: unknown) => void problems.push(`Proxmox did not answer: ${message(error)}`)),
  ]);
  // A rebuild's successor (NAME.next) shows as the run in flight for NAME, not as a runner of its own.
  const managed = vms?.filter(
    (vm) => !vm.template && !isSuccessorName(vm.name) && MANAGED.every((tag) => vm.tags.includes(tag)),
  );
  const inFlight = recent.filter((r) => !FINAL_STATUSES.includes(r.status)).map((r) => r.runner);
  const names = [
    ...new Set([...entries.map((e) => e.name), ...(managed ?? []).map((vm) => vm.name), ...inFlight]),
  ].sort();
  let gitlab: Record<string, GitlabRunner | null> | undefined;
  try {
    const found = await Promise.all(
      names.map((name) =>
        gitlabRunnerOf(
          deps.registry,
          name,
          entries.find((e) => e.name === name),
        ),
      ),
    );
    gitlab = Object.fromEntries(names.map((name, i) => [name, found[i] ?? null]));
  } catch (error) {
    problems.push(`GitLab did not answer: ${message(error)}`);
  }
  return {
    takenAt: deps.clock.now(),
    ...(managed ? { vms: managed } : {}),
    ...(gitlab ? { gitlab } : {}),
    problems,
    calls: 1 + names.length,
  };
}

/** One reader per process at a time; the stored view is shared by every process. */
export function sharedUpstream(deps: UpstreamDeps & { store: UpstreamViewStore }): () => Promise<UpstreamView> {
  const { store, clock } = deps;
  let known: UpstreamView | undefined;
  let loading: Promise<UpstreamView> | undefined;

  async function load(): Promise<UpstreamView> {
    const giveUpAt = clock.now() + FIRST_VIEW_WAIT_MS;
    for (;;) {
      const stored = await store.read();
      if (stored && clock.now() < refreshDueAt(stored)) return stored;
      if (await store.claim(CLAIM_MS)) {
        const fresh = await readUpstream(deps);
        await store.publish(fresh);
        return fresh;
      }
      if (stored) return stored;
      if (clock.now() >= giveUpAt)
        return {
          takenAt: clock.now(),
          problems: ['Proxmox and GitLab not read yet: another runnerbot process is reading them'],
          calls: 0,
        };
      await clock.sleep(WAIT_STEP_MS);
    }
  }

  return () => {
    if (known && clock.now() < refreshDueAt(known)) return Promise.resolve(known);
    loading ??= load()
      .then((view) => (view.calls > 0 ? (known = view) : view))
      .finally(() => (loading = undefined));
    return loading;
  };
}

/** A view for this process alone: a bot without Proxmox's or GitLab's secret must not share its half view. */
export function localViewStore(clock: Clock): UpstreamViewStore {
  let view: UpstreamView | null = null;
  let claimedUntil = 0;
  return {
    read: async () => view,
    async claim(ttlMs) {
      if (clock.now() < claimedUntil) return false;
      claimedUntil = clock.now() + ttlMs;
      return true;
    },
    async publish(fresh) {
      view = fresh;
      claimedUntil = 0;
    },
  };
}
