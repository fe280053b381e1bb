// Power and lifetime of one VM: status/current, start, stop, shutdown, DELETE, and the guest agent.
import { PveError } from '../errors.ts';
import { bootGuest, destroyGuest, guestInterfaces, haltGuest, rebootGuest } from '../guest.ts';
import type { Handler } from '../runtime.ts';
import { diskBytes, isTemplate, memoryBytes, vmName } from '../state.ts';
import { assertUnlocked, vmOf } from './vm-config.ts';

export const currentStatus: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  return {
    vmid: vm.vmid,
    name: vmName(vm),
    status: vm.status,
    qmpstatus: vm.status,
    agent: vm.config.agent?.startsWith('1') ? 1 : 0,
    cpus: Number(vm.config.cores ?? 1),
    maxmem: memoryBytes(vm),
    maxdisk: diskBytes(vm.config.scsi0),
    ...(vm.config.lock ? { lock: vm.config.lock } : {}),
    ...(vm.config.tags ? { tags: vm.config.tags } : {}),
    ...(isTemplate(vm) ? { template: 1 } : {}),
  };
};

export const start: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  assertUnlocked(vm, ctx.params);
  if (isTemplate(vm)) throw new PveError(500, "you can't start a vm if it's a template\n");
  if (vm.status === 'running') throw new PveError(500, `VM ${vm.vmid} already running\n`);
  return rt.tasks.start(
    { node: vm.node, type: 'qmstart', id: vm.vmid, user: ctx.token.id, durationMs: rt.timing.taskMs },
    () => {
      const bridges = rt.state.nodes.get(vm.node)?.bridges ?? [];
      for (const [key, nic] of Object.entries(vm.config)) {
        const bridge = /^net\d+$/.test(key) ? /(?:^|,)bridge=([^,]+)/.exec(nic)?.[1] : undefined;
        if (bridge !== undefined && !bridges.includes(bridge)) throw new Error(`bridge '${bridge}' does not exist`);
      }
      return bootGuest(rt, vm);
    },
  );
};

export const stop: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  assertUnlocked(vm, ctx.params);
  return rt.tasks.start(
    { node: vm.node, type: 'qmstop', id: vm.vmid, user: ctx.token.id, durationMs: rt.timing.taskMs },
    () => haltGuest(rt, vm),
  );
};

export const shutdown: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  assertUnlocked(vm, ctx.params);
  if (vm.status !== 'running') throw new PveError(500, `VM ${vm.vmid} not running\n`);
  return rt.tasks.start(
    { node: vm.node, type: 'qmshutdown', id: vm.vmid, user: ctx.token.id, durationMs: rt.timing.taskMs },
    () => haltGuest(rt, vm),
  );
};

export const reboot: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  assertUnlocked(vm, ctx.params);
  if (vm.status !== 'running') throw new PveError(500, `VM ${vm.vmid} not running\n`);
  return rt.tasks.start(
    { node: vm.node, type: 'qmreboot', id: vm.vmid, user: ctx.token.id, durationMs: rt.timing.taskMs },
    () => rebootGuest(rt, vm),
  );
};

export const destroy: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  assertUnlocked(vm, ctx.params);
  if (vm.status === 'running') throw new PveError(500, `VM ${vm.vmid} is running - destroy failed\n`);
  return rt.tasks.start(
    { node: vm.node, type: 'qmdestroy', id: vm.vmid, user: ctx.token.id, durationMs: rt.timing.taskMs },
    () => destroyGuest(rt, vm),
  );
};

export const agentInterfaces: Handler = (rt, ctx) => guestInterfaces(rt, vmOf(rt, ctx));
