// Cluster-wide and listing endpoints: /cluster/nextid, /cluster/resources, /nodes/{node}/qemu and
// the task status.
import { hasPrivilege } from '../auth.ts';
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
    if (hasPrivilege(token, 'VM.Audit')) {
      for (const vm of rt.state.vms.values()) {
        out.push({ id: `qemu/${vm.vmid}`, type: 'qemu', node: vm.node, ...vmEntry(vm), ...(vm.pool ? { pool: vm.pool } : {}) });
      }
    }
  }
  if (params.type === undefined || params.type === 'node') {
    for (const node of rt.state.nodes.values()) {
      const online = node.online ? { maxmem: node.totalMemoryBytes, mem: rt.state.usedMemoryBytes(node), maxcpu: 16, cpu: 0.05 } : {};
      out.push({ id: `node/${node.name}`, type: 'node', node: node.name, status: node.online ? 'online' : 'offline', ...online });
    }
  }
  return out;
};

export const listQemu: Handler = (rt, { params, token }) => {
  rt.state.requireNode(params.node!);
  if (!hasPrivilege(token, 'VM.Audit')) return [];
  return [...rt.state.vms.values()].filter((vm) => vm.node === params.node).map(vmEntry);
};

export const taskStatus: Handler = (rt, { params }) => {
  rt.state.requireNode(params.node!);
  if (!/^UPID:/.test(params.upid!)) throw new PveError(500, `unable to parse worker upid '${params.upid}'\n`);
  const task = rt.tasks.tasks.get(params.upid!);
  if (!task || task.node !== params.node) throw new PveError(500, `no such task\n`);
  return { ...task };
};
