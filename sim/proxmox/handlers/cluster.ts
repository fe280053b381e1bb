// Cluster-wide and listing endpoints: /cluster/nextid, /cluster/resources, /nodes/{node}/qemu and
// the task status.
import { hasPrivilegeOn } from '../acl.ts';
import { PveError, parameterError } from '../errors.ts';
import type { Handler } from '../runtime.ts';
import { diskBytes, isTemplate, memoryBytes, vmName } from '../state.ts';
import type { SimVm } from '../state.ts';

const vmEntry = (vm: SimVm) => ({
  vmid: vm.vmid,
  name: vmName(vm),
  status: vm.status,
  template: isTemplate(vm) ? 1 : 0,
  maxmem: memoryBytes(vm),
  mem: vm.status === 'running' ? memoryBytes(vm) : 0,
  maxdisk: diskBytes(vm.config.scsi0),
  maxcpu: Number(vm.config.cores ?? 1),
  ...(vm.config.tags ? { tags: vm.config.tags } : {}),
  ...(vm.config.lock ? { lock: vm.config.lock } : {}),
});

export const nextid: Handler = (rt, { params }) => {
  if (params.vmid === undefined) return String(rt.state.nextFreeVmid());
  if (rt.state.vms.has(Number(params.vmid))) throw parameterError({ vmid: `VM ${params.vmid} already exists` });
  return params.vmid;
};

export const resources: Handler = (rt, { params, token }) => {
  const out: unknown[] = [];
  if (params.type === undefined || params.type === 'vm') {
    for (const vm of rt.state.vms.values()) {
      if (hasPrivilegeOn(rt.state, token, `/vms/${vm.vmid}`, 'VM.Audit')) {
        out.push({
          id: `qemu/${vm.vmid}`,
          type: 'qemu',
          node: vm.node,
          ...vmEntry(vm),
          ...(vm.pool ? { pool: vm.pool } : {}),
        });
      }
    }
  }
  if (params.type === undefined || params.type === 'node') {
    for (const node of rt.state.nodes.values()) {
      if (!hasPrivilegeOn(rt.state, token, `/nodes/${node.name}`, 'Sys.Audit')) continue;
      const online = node.online
        ? { maxmem: node.totalMemoryBytes, mem: rt.state.usedMemoryBytes(node), maxcpu: 16, cpu: 0.05 }
        : {};
      out.push({
        id: `node/${node.name}`,
        type: 'node',
        node: node.name,
        status: node.online ? 'online' : 'offline',
        ...online,
      });
    }
  }
  return out;
};

export const listQemu: Handler = (rt, { params, token }) => {
  rt.state.requireNode(params.node!);
  return [...rt.state.vms.values()]
    .filter((vm) => vm.node === params.node && hasPrivilegeOn(rt.state, token, `/vms/${vm.vmid}`, 'VM.Audit'))
    .map(vmEntry);
};

function taskOf(rt: Parameters<Handler>[0], params: Record<string, string>) {
  rt.state.requireNode(params.node!);
  if (!/^UPID:/.test(params.upid!)) throw new PveError(500, `unable to parse worker upid '${params.upid}'\n`);
  const task = rt.tasks.tasks.get(params.upid!);
  if (!task || task.node !== params.node) throw new PveError(500, `no such task\n`);
  return task;
}

export const taskStatus: Handler = (rt, { params }) => {
  const { log: _log, ...status } = taskOf(rt, params);
  return status;
};

/** Lines `{n, t}` from `start` (0-based), at most `limit` (default 50); a running task's log so far. */
export const taskLog: Handler = (rt, { params }) => {
  const task = taskOf(rt, params);
  const start = Number(params.start ?? 0);
  const limit = Number(params.limit ?? 50) || 50;
  return task.log.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t }));
};
