// Every Redis key runnerbot writes outside BullMQ, in one place. All live under one prefix, so a
// test can use a random one and an install can use a `{hash-tag}` prefix on Redis Cluster.

export const RUN_QUEUE_NAME = 'runner-jobs';

export function redisKeys(prefix: string) {
  return {
    run: (id: string) => `${prefix}:run:${id}`,
    activeRun: (runner: string) => `${prefix}:active:${runner}`,
    recentRuns: `${prefix}:runs`,
    recentRunsOf: (runner: string) => `${prefix}:runs:${runner}`,
    approval: (runId: string) => `${prefix}:approval:${runId}`,
    pendingApprovals: `${prefix}:approvals:pending`,
    audit: `${prefix}:audit`,
    runnerLock: (runner: string) => `${prefix}:lock:${runner}`,
    runnerFence: (runner: string) => `${prefix}:fence:${runner}`,
    vmidClaim: (vmid: number) => `${prefix}:vmid:${vmid}`,
    cloneSlots: (node: string) => `${prefix}:clone-slots:${node}`,
    cloneSlotLeases: (node: string) => `${prefix}:clone-slot-leases:${node}`,
    fleet: `${prefix}:fleet`,
    poolDesires: `${prefix}:pools:desired`,
    poolProgress: `${prefix}:pools:progress`,
    poolLease: `${prefix}:pools:lease`,
    rotationLease: `${prefix}:rotation:lease`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
