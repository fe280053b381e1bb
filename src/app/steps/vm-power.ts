// start: boot the VM unless it runs. wait-ip: poll the guest agent until it reports a routable
// IPv4. stop-vm: stop the run's VM if it runs (after checking it is ours).
import { hasCode, transient } from '../../core/errors.ts';
import type { Step } from './step.ts';
import { ownVm, requireOwnVm } from './vm-ownership.ts';
import { pollUntil } from './vm-wait.ts';
import { waitForTask } from './task-wait.ts';

export const startVm: Step = {
  name: 'start',
  async check(ctx) {
    const vm = await requireOwnVm(ctx);
    return (await ctx.deps.hypervisor.getVmStatus(vm.node, vm.vmid)) === 'running' ? { done: true } : { done: false };
  },
  async apply(ctx) {
    const vm = await requireOwnVm(ctx);
    await waitForTask(ctx, await ctx.deps.hypervisor.startVm(vm.node, vm.vmid), `start VM ${vm.vmid}`);
  },
};

export const waitIp: Step = {
  name: 'wait-ip',
  async check(ctx) {
    const vm = await requireOwnVm(ctx);
    const ip = await ctx.deps.hypervisor.guestIpv4(vm.node, vm.vmid);
    return ip ? { done: true, outputs: { ip } } : { done: false };
  },
  async apply(ctx) {
    const vm = await requireOwnVm(ctx);
    const { agentMs } = ctx.deps.settings.timeouts;
    const ip = await pollUntil(ctx, agentMs, `the guest agent of VM ${vm.vmid} reporting an IPv4 address`, () =>
      ctx.deps.hypervisor.guestIpv4(vm.node, vm.vmid),
    ).catch((error: unknown) => {
      if (hasCode(error, 'STEP.TIMEOUT')) {
        throw transient(
          'STEP.TIMEOUT',
          `VM ${vm.vmid} has no IPv4 address after ${agentMs} ms: is qemu-guest-agent installed in the template and is DHCP answering?`,
        );
      }
      throw error;
    });
    return { ip };
  },
};

export const stopVm: Step = {
  name: 'stop-vm',
  async check(ctx) {
    const vm = await ownVm(ctx);
    if (!vm) return { done: true };
    return (await ctx.deps.hypervisor.getVmStatus(vm.node, vm.vmid)) === 'running' ? { done: false } : { done: true };
  },
  async apply(ctx) {
    const vm = await ownVm(ctx);
    if (!vm) return;
    await waitForTask(ctx, await ctx.deps.hypervisor.stopVm(vm.node, vm.vmid), `stop VM ${vm.vmid}`);
  },
};
