// The bookkeeping steps: `announce` adds the finished runner to the fleet (Prometheus discovery,
// list, App Home); `clear-records` removes it and keeps what was removed as `previous`.
import { permanent } from '../../core/errors.ts';
import type { FleetEntry } from '../../core/ports.ts';
import type { RunRecord } from '../../core/run.ts';
import type { Step } from './step.ts';

function fleetEntry(run: RunRecord, provisionedAt: number): FleetEntry {
  const { vmid, node, ip, runnerId } = run.outputs;
  if (vmid === undefined || node === undefined || ip === undefined || runnerId === undefined) {
    throw permanent(
      'STEP.UNRECOVERABLE',
      `announce needs the VMID, node, IP and runner id; the run has ${JSON.stringify({ vmid, node, ip, runnerId })}`,
    );
  }
  const { tokenObtainedAt, tokenExpiresAt } = run.outputs;
  return {
    name: run.runner,
    vmid,
    node,
    ip,
    runnerId,
    profile: run.spec.profile,
    tags: run.spec.tags,
    provisionedAt,
    ...(tokenObtainedAt === undefined ? {} : { tokenObtainedAt, tokenExpiresAt: tokenExpiresAt ?? null }),
  };
}

export const announce: Step = {
  name: 'announce',
  async check({ run, deps }) {
    const current = await deps.fleet.get(run.runner);
    const wanted = fleetEntry(run, 0);
    const same =
      current !== null &&
      current.vmid === wanted.vmid &&
      current.ip === wanted.ip &&
      current.runnerId === wanted.runnerId;
    return same ? { done: true } : { done: false };
  },
  async apply({ run, deps }) {
    await deps.fleet.upsert(fleetEntry(run, deps.clock.now()));
  },
};

export const clearRecords: Step = {
  name: 'clear-records',
  async check({ run, deps }) {
    const present = await deps.fleet.get(run.runner);
    return present === null && run.outputs.vmid === undefined && run.outputs.runnerId === undefined
      ? { done: true }
      : { done: false };
  },
  async apply({ run, deps }) {
    await deps.fleet.remove(run.runner);
    const { vmid, node, runnerId, ip } = run.outputs;
    if (ip) await deps.remote.forgetHost?.(ip);
    return {
      previous: { vmid, node, runnerId, ip },
      vmid: undefined,
      node: undefined,
      runnerId: undefined,
      ip: undefined,
      cloneUpid: undefined,
    };
  },
};
