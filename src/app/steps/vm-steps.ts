// The Proxmox steps of the plans, by step name.
import type { Step } from './step.ts';
import { cloneVm } from './vm-clone.ts';
import { configure, resizeDisk } from './vm-configure.ts';
import { confirmVm, deleteVm } from './vm-deprovision.ts';
import { findVm, reserveVmid } from './vm-find.ts';
import { startVm, stopVm, waitIp } from './vm-power.ts';

export { cloneVm, configure, confirmVm, deleteVm, findVm, reserveVmid, resizeDisk, startVm, stopVm, waitIp };

export const VM_STEPS = {
  'find-vm': findVm,
  'reserve-vmid': reserveVmid,
  clone: cloneVm,
  configure,
  'resize-disk': resizeDisk,
  start: startVm,
  'wait-ip': waitIp,
  'confirm-vm': confirmVm,
  'stop-vm': stopVm,
  'delete-vm': deleteVm,
} satisfies Record<string, Step>;
