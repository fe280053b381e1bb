// The Proxmox VE privileges runnerbot needs, per ACL path: what each call of a provision or
// deprovision asks for (the schema's checks plus qemu-server's own: Datastore.AllocateSpace on the
// clone's storage, SDN.Use on every bridge a NIC uses, VM.Config.* per option). `runnerbot doctor`
// compares them with the token's effective privileges; docs/operations.md grants exactly these.

export interface PrivilegeNeed {
  path: string;
  privileges: string[];
  /** What runnerbot does there, for the doctor's line. */
  purpose: string;
}

export interface PrivilegeLayout {
  nodes: string[];
  pool: string;
  /** Every template VMID a node may clone (proxmox.templateVmid and proxmox.templates). */
  templates: number[];
  /** The storage clones land on (proxmox.storage, or the templates' own). */
  storages: string[];
  /** proxmox.bridge and the templates' own bridges. */
  bridges: string[];
}

/** Runner VMs live in the pool: privileges on `/pool/{pool}` propagate to them. */
export const RUNNER_VM_PRIVILEGES = [
  'VM.Allocate',
  'VM.Audit',
  'VM.Config.CPU',
  'VM.Config.Cloudinit',
  'VM.Config.Disk',
  'VM.Config.Memory',
  'VM.Config.Network',
  'VM.Config.Options',
  'VM.GuestAgent.Audit',
  'VM.PowerMgmt',
  'Pool.Audit',
];
export const TEMPLATE_PRIVILEGES = ['VM.Audit', 'VM.Clone'];
export const NODE_PRIVILEGES = ['Sys.Audit'];
export const STORAGE_PRIVILEGES = ['Datastore.AllocateSpace', 'Datastore.Audit'];
export const BRIDGE_PRIVILEGES = ['SDN.Use'];

/** `/sdn/zones/localnetwork/{bridge}`: where Proxmox VE 8+ checks SDN.Use for a plain Linux bridge. */
export const bridgeAclPath = (bridge: string): string => `/sdn/zones/localnetwork/${bridge}`;

const unique = <T>(values: T[]): T[] => [...new Set(values)];

export function requiredPrivileges(layout: PrivilegeLayout): PrivilegeNeed[] {
  return [
    {
      path: '/vms',
      privileges: ['VM.Audit'],
      purpose: 'see every VM, so a runner name another VM already has is refused',
    },
    {
      path: `/pool/${layout.pool}`,
      privileges: RUNNER_VM_PRIVILEGES,
      purpose: 'create, configure, start, stop and delete runner VMs in the pool',
    },
    ...unique(layout.templates).map((vmid) => ({
      path: `/vms/${vmid}`,
      privileges: TEMPLATE_PRIVILEGES,
      purpose: `clone template ${vmid}`,
    })),
    ...unique(layout.nodes).map((node) => ({
      path: `/nodes/${node}`,
      privileges: NODE_PRIVILEGES,
      purpose: `see node ${node}, its memory and its bridges`,
    })),
    ...unique(layout.storages).map((storage) => ({
      path: `/storage/${storage}`,
      privileges: STORAGE_PRIVILEGES,
      purpose: `put cloned disks on storage ${storage}`,
    })),
    ...unique(layout.bridges).map((bridge) => ({
      path: bridgeAclPath(bridge),
      privileges: BRIDGE_PRIVILEGES,
      purpose: `attach runner VMs to bridge ${bridge}`,
    })),
  ];
}

/** The privileges of `need` missing from `have` (privilege -> propagate, as /access/permissions answers for the path). */
export function missingPrivileges(need: PrivilegeNeed, have: Record<string, unknown>): string[] {
  return need.privileges.filter((p) => !(p in have));
}
