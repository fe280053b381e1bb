import { describe, expect, it } from 'vitest';
import { createMemoryCoordination } from '../../../src/jobs/memory-coordination.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('in-process coordination', () => {
  it('holds at most the configured clone slots per node among 6 acquirers, and serves them all', async () => {
    const coordination = createMemoryCoordination(2);
    let holding = 0;
    let mostAtOnce = 0;
    const done: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const release = await coordination.acquireCloneSlot('pve1', `r_${i}`);
        mostAtOnce = Math.max(mostAtOnce, ++holding);
        await tick();
        holding--;
        done.push(`r_${i}`);
        await release();
      }),
    );
    expect(mostAtOnce).toBe(2);
    expect(done).toHaveLength(6);
  });

  it('keeps nodes apart, and lets a waiter give up when its run is aborted', async () => {
    const coordination = createMemoryCoordination(1);
    const release = await coordination.acquireCloneSlot('pve1', 'r_1');
    await coordination.acquireCloneSlot('pve2', 'r_2');
    const controller = new AbortController();
    const waiting = coordination.acquireCloneSlot('pve1', 'r_3', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'STEP.TRANSIENT', transient: true });
    await release();
    await coordination.acquireCloneSlot('pve1', 'r_4');
  });

  it('claims a VMID for one run, which may claim it again', async () => {
    const coordination = createMemoryCoordination(2);
    expect(await coordination.claimVmid(9001, 'r_1')).toBe(true);
    expect(await coordination.claimVmid(9001, 'r_2')).toBe(false);
    expect(await coordination.claimVmid(9001, 'r_1')).toBe(true);
  });
});
