// Where a runner VM can go. A node can take a clone of its own template (proxmox.templates), of
// the shared template when it is the template's node, or of the shared template from another
// node only when the clone's storage is shared: Proxmox refuses a clone to another node onto
// local storage (`can't clone to non-shared storage`). Among the nodes that can, the online one
// with the most free memory wins. `runnerbot doctor` shows the same verdicts.
import { permanent, transient } from '../../core/errors.ts';
import type { Hypervisor, NodeSummary, VmSummary } from '../../core/ports.ts';
import type { ProvisionSettings } from '../../core/settings.ts';

type ProxmoxSettings = ProvisionSettings['proxmox'];

export interface Placement {
  node: string;
  templateNode: string;
  templateVmid: number;
}

export interface PlacementFacts {
  nodes: NodeSummary[];
  vms: VmSummary[];
  /** Why the shared template cannot be cloned onto another node; undefined when it can. */
  noCrossNode?: string;
}

export interface NodeVerdict extends Placement {
  /** What keeps runner VMs off this node, and what to change; both undefined when it can take them. */
  problem?: string;
  fix?: string;
}

const DISK_KEY = /^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/;

export const templateFor = (p: ProxmoxSettings, node: string): Placement =>
  p.templates[node] !== undefined
    ? { node, templateNode: node, templateVmid: p.templates[node] }
    : { node, templateNode: p.templateNode, templateVmid: p.templateVmid };

/** Asks Proxmox what placement needs: nodes, VMs, and (only if some node relies on it) whether a clone may cross nodes. */
export async function placementFacts(hypervisor: Hypervisor, p: ProxmoxSettings): Promise<PlacementFacts> {
  const [nodes, vms] = await Promise.all([hypervisor.listNodes(), hypervisor.listVms()]);
  const crossing = p.nodes.some((node) => templateFor(p, node).templateNode !== node);
  if (!crossing) return { nodes, vms };
  const storage = await hypervisor.listStorage(p.templateNode);
  const shared = (id: string) => storage.find((s) => s.storage === id)?.shared === true;
  if (p.storage !== undefined && p.fullClone)
    return shared(p.storage) ? { nodes, vms } : { nodes, vms, noCrossNode: `storage ${p.storage} is not shared` };
  if (!vms.some((vm) => vm.vmid === p.templateVmid && vm.node === p.templateNode)) return { nodes, vms };
  const config = await hypervisor.getVmConfig(p.templateNode, p.templateVmid);
  const local = Object.entries(config)
    .filter(([key, value]) => DISK_KEY.test(key) && !String(value).includes('media=cdrom'))
    .map(([, value]) => String(value).split(':')[0]!)
    .filter((id) => !shared(id));
  return local.length === 0
    ? { nodes, vms }
    : { nodes, vms, noCrossNode: `its disks are on local storage ${[...new Set(local)].join(', ')}` };
}

/** For each configured node: the template it would clone, and what keeps it from taking runners. */
export function judgeNodes(p: ProxmoxSettings, facts: PlacementFacts): NodeVerdict[] {
  return p.nodes.map((node) => {
    const t = templateFor(p, node);
    const exists = facts.vms.some((vm) => vm.template && vm.vmid === t.templateVmid && vm.node === t.templateNode);
    if (!exists) {
      return {
        ...t,
        problem: `template ${t.templateVmid} does not exist on ${t.templateNode} (or is not a template)`,
        fix: `check proxmox.templateVmid, proxmox.templateNode and proxmox.templates`,
      };
    }
    if (t.templateNode !== node && facts.noCrossNode !== undefined) {
      return {
        ...t,
        problem: `template ${t.templateVmid} is on ${t.templateNode} and ${facts.noCrossNode}, so Proxmox cannot clone it to ${node}`,
        fix: `make a template on ${node} and set proxmox.templates.${node} to its VMID, or set proxmox.storage to shared storage, or remove ${node} from proxmox.nodes`,
      };
    }
    return t;
  });
}

export function choosePlacement(p: ProxmoxSettings, pinned: string | undefined, facts: PlacementFacts): Placement {
  if (pinned !== undefined && !p.nodes.includes(pinned)) {
    throw permanent(
      'STEP.UNRECOVERABLE',
      `node ${pinned} is not one of the configured Proxmox nodes (${p.nodes.join(', ')})`,
    );
  }
  const wanted = judgeNodes(p, facts).filter((v) => pinned === undefined || v.node === pinned);
  const usable = wanted.filter((v) => v.problem === undefined);
  if (usable.length === 0) {
    const layout = wanted.find(
      (v) => v.templateNode !== v.node && facts.noCrossNode !== undefined && !v.problem?.includes('does not exist'),
    );
    if (layout) throw permanent('PROXMOX.LAYOUT', `${layout.problem}; ${layout.fix}`);
    const missing = [...new Set(wanted.map((t) => `${t.templateVmid} on ${t.templateNode}`))].join(', ');
    throw permanent(
      'PROXMOX.TEMPLATE_MISSING',
      `the template VM ${missing} does not exist (or is not a template); check proxmox.templateVmid and proxmox.templates`,
    );
  }
  const free = (node: string) => facts.nodes.find((n) => n.node === node && n.online)?.freeMemoryBytes;
  const online = usable.filter((c) => free(c.node) !== undefined).sort((a, b) => free(b.node)! - free(a.node)!);
  if (online.length === 0)
    throw transient('STEP.TRANSIENT', `none of the Proxmox nodes ${usable.map((c) => c.node).join(', ')} is online`);
  const { node, templateNode, templateVmid } = online[0]!;
  return { node, templateNode, templateVmid };
}
