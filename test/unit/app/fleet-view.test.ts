// The shared upstream view's rules with in-memory ports (localViewStore stands for the Redis one,
// whose claim the integration test exercises): when it is refreshed, who refreshes it, what a
// reader answers while another holds the claim, and what a failing service leaves.
import { describe, expect, it } from 'vitest';
import { localViewStore, readUpstream, sharedUpstream, type UpstreamDeps } from '../../../src/app/fleet-view.ts';
import { MIN_REFRESH_MS, refreshDueAt } from '../../../src/core/fleet-view.ts';
import type { VmSummary } from '../../../src/core/ports.ts';
import { ManualClock, MemoryFleet, MemoryRunStore } from '../../support/memory-ports.ts';

const vm = (name: string, tags = ['gitlab-runner', 'runnerbot']): VmSummary => ({
  vmid: 100,
  node: 'pve1',
  name,
  tags,
  status: 'running',
  template: false,
});

function world(runners = 1) {
  const clock = new ManualClock();
  const calls = { proxmox: 0, gitlab: 0 };
  const fleet = new MemoryFleet();
  const deps: UpstreamDeps = {
    fleet,
    runs: new MemoryRunStore(),
    clock,
    hypervisor: {
      listVms: async () => (
        calls.proxmox++,
        [...Array.from({ length: runners }, (_, i) => vm(`gitlab-runner-${i}`)), vm('somebody-else', ['web'])]
      ),
    },
    registry: {
      getRunner: async () => (calls.gitlab++, null),
      findRunnersByDescription: async (d) => (
        calls.gitlab++,
        [
          {
            id: 7,
            description: d,
            tagList: [],
            paused: false,
            locked: true,
            runUntagged: false,
            status: 'online',
            online: true,
          },
        ]
      ),
    },
  };
  return { clock, calls, deps, store: localViewStore(clock) };
}

describe('readUpstream', () => {
  it('lists the VMs once and looks up each managed runner name in GitLab, ignoring VMs not ours', async () => {
    const { deps, calls } = world(2);
    const view = await readUpstream(deps);
    expect(calls).toEqual({ proxmox: 1, gitlab: 2 });
    expect(view.vms?.map((v) => v.name)).toEqual(['gitlab-runner-0', 'gitlab-runner-1']);
    expect(view.gitlab?.['gitlab-runner-1']?.id).toBe(7);
    expect(view.calls).toBe(3);
  });

  it('says which service did not answer and leaves only its part unknown', async () => {
    const { deps } = world();
    deps.hypervisor = { listVms: async () => Promise.reject(new Error('connect ECONNREFUSED')) };
    const view = await readUpstream(deps);
    expect(view.vms).toBeUndefined();
    expect(view.problems).toEqual(['Proxmox did not answer: connect ECONNREFUSED']);
    expect(view.gitlab).toEqual({});
  });
});

describe('sharedUpstream', () => {
  it('serves one view until it is due, then refreshes it once however many readers ask', async () => {
    const { deps, store, clock, calls } = world();
    const read = sharedUpstream({ ...deps, store });
    const first = await Promise.all(Array.from({ length: 50 }, () => read()));
    expect(calls).toEqual({ proxmox: 1, gitlab: 1 });
    expect(new Set(first.map((v) => v.takenAt)).size).toBe(1);
    clock.current += MIN_REFRESH_MS - 1;
    await read();
    expect(calls.proxmox).toBe(1);
    clock.current += 1;
    await Promise.all([read(), read(), read()]);
    expect(calls).toEqual({ proxmox: 2, gitlab: 2 });
  });

  it('waits longer between refreshes the more calls a refresh takes: one call a second on average', async () => {
    const { deps, store } = world(9);
    const view = await sharedUpstream({ ...deps, store })();
    expect(view.calls).toBe(10);
    expect(refreshDueAt(view) - view.takenAt).toBe(10_000);
  });

  it('uses a view another process stored, and answers with the old view while another holds the claim', async () => {
    const { deps, store, clock, calls } = world();
    const otherProcess = sharedUpstream({ ...deps, store });
    const old = await otherProcess();
    const read = sharedUpstream({ ...deps, store });
    expect((await read()).takenAt).toBe(old.takenAt);
    expect(calls.proxmox).toBe(1);
    clock.current += MIN_REFRESH_MS;
    await store.claim(15_000); // another process is refreshing (or died doing so)
    expect((await read()).takenAt).toBe(old.takenAt);
    expect(calls.proxmox).toBe(1);
  });

  it('with no view yet and the claim held elsewhere, waits, then answers without Proxmox and GitLab rather than asking', async () => {
    const { deps, store, calls } = world();
    await store.claim(60_000);
    const view = await sharedUpstream({ ...deps, store })();
    expect(calls).toEqual({ proxmox: 0, gitlab: 0 });
    expect(view.vms).toBeUndefined();
    expect(view.gitlab).toBeUndefined();
    expect(view.problems).toEqual(['Proxmox and GitLab not read yet: another runnerbot process is reading them']);
  });
});
