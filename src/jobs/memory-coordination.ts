// Coordination inside one process, for the CLI's in-process runs.
import { transient } from '../core/errors.ts';
import type { Coordination } from '../core/ports.ts';

export function createMemoryCoordination(clonesPerNode: number): Coordination {
  const vmids = new Map<number, string>();
  const holders = new Map<string, Set<string>>();
  const waiters = new Map<string, (() => void)[]>();

  const holdersOf = (node: string): Set<string> => {
    const set = holders.get(node) ?? new Set<string>();
    holders.set(node, set);
    return set;
  };

  return {
    async claimVmid(vmid, runId) {
      const holder = vmids.get(vmid) ?? runId;
      vmids.set(vmid, holder);
      return holder === runId;
    },
    async acquireCloneSlot(node, runId, signal) {
      const slots = holdersOf(node);
      while (!slots.has(runId) && slots.size >= clonesPerNode) {
        if (signal?.aborted) throw transient('STEP.TRANSIENT', `gave up waiting for a clone slot on ${node}`);
        await new Promise<void>((resolve) => {
          waiters.set(node, [...(waiters.get(node) ?? []), resolve]);
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      slots.add(runId);
      return async () => {
        slots.delete(runId);
        const woken = waiters.get(node) ?? [];
        waiters.set(node, []);
        for (const wake of woken) wake();
      };
    },
  };
}
