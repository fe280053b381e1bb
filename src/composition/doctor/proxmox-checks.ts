// The Proxmox half of `runnerbot doctor`: reachable with the configured CA, the token's effective
// privileges on every path a provision touches, templates and placement, storage, bridge, pool.
import { judgeNodes, placementFacts, choosePlacement, templateFor } from '../../app/steps/placement.ts';
import type { ProvisionSettings } from '../../core/settings.ts';
import type { Hypervisor } from '../../core/ports.ts';
import { bridgeAclPath, missingPrivileges, requiredPrivileges } from '../../core/pve-privileges.ts';
import type { ProxmoxInspector } from '../../provisioner/proxmox-inspect.ts';
import { attempt, fail, pass, type CheckResult } from './check.ts';
import { rebuildRoomCheck, type LargestProfile } from './rebuild-check.ts';

type ProxmoxSettings = ProvisionSettings['proxmox'];

const DISK_KEY = /^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/;
const NIC_KEY = /^net\d+$/;

interface Deps {
  hypervisor: Hypervisor;
  inspector: ProxmoxInspector;
  settings: ProxmoxSettings;
  tokenId: string;
  url: string;
  /** The profile with the most memory: a replace-then-retire rebuild needs room for one more of it. */
  largestProfile: LargestProfile;
}

/** The storage and bridges the templates use, from their configs (for the privileges they need). */
async function templateResources(d: Deps): Promise<{ storages: string[]; bridges: string[] }> {
  const storages: string[] = [];
  const bridges: string[] = [];
  for (const node of d.settings.nodes) {
    const t = templateFor(d.settings, node);
    const config = await d.hypervisor.getVmConfig(t.templateNode, t.templateVmid).catch(() => ({}));
    for (const [key, value] of Object.entries(config)) {
      if (DISK_KEY.test(key) && !String(value).includes('media=cdrom')) storages.push(String(value).split(':')[0]!);
      const bridge = NIC_KEY.test(key) ? /(?:^|,)bridge=([^,]+)/.exec(String(value))?.[1] : undefined;
      if (bridge) bridges.push(bridge);
    }
  }
  return { storages, bridges };
}

async function privileges(d: Deps): Promise<CheckResult[]> {
  const p = d.settings;
  const used = await templateResources(d);
  const needs = requiredPrivileges({
    nodes: p.nodes,
    pool: p.pool,
    templates: p.nodes.map((node) => templateFor(p, node).templateVmid),
    storages: p.storage !== undefined && p.fullClone ? [p.storage] : used.storages,
    bridges: [p.bridge, ...used.bridges],
  });
  const user = d.tokenId.split('!')[0]!;
  const results: CheckResult[] = [];
  for (const need of needs) {
    const missing = missingPrivileges(need, await d.inspector.privilegesOn(need.path));
    const name = `proxmox privileges on ${need.path}`;
    results.push(
      missing.length === 0
        ? pass(name, need.privileges.join(' '))
        : fail(
            name,
            `token ${d.tokenId} lacks ${missing.join(', ')} (needed to ${need.purpose})`,
            `pveum acl modify ${need.path} --users ${user} --roles <a role with ${missing.join(' ')}> (docs/operations.md lists the roles)`,
          ),
    );
  }
  return results;
}

async function layout(d: Deps): Promise<CheckResult[]> {
  const p = d.settings;
  const facts = await placementFacts(d.hypervisor, p);
  const results = judgeNodes(p, facts).map((v) =>
    v.problem === undefined
      ? pass(
          `proxmox template for ${v.node}`,
          `clones template ${v.templateVmid} from ${v.templateNode}${v.templateNode === v.node ? '' : ' (shared storage)'}`,
        )
      : fail(`proxmox template for ${v.node}`, v.problem, v.fix!),
  );
  if (results.every((r) => r.ok)) {
    const placed = choosePlacement(p, undefined, facts);
    results.push(
      pass('proxmox placement', `the next runner goes to ${placed.node} (most free memory of ${p.nodes.join(', ')})`),
    );
  }
  return results;
}

async function perNode(d: Deps): Promise<CheckResult[]> {
  const p = d.settings;
  const results: CheckResult[] = [];
  const online = new Map((await d.hypervisor.listNodes()).map((n) => [n.node, n.online]));
  for (const node of p.nodes) {
    if (online.get(node) !== true) {
      results.push(
        fail(
          `proxmox node ${node}`,
          online.has(node) ? 'is offline' : 'is not in the cluster (or the token lacks Sys.Audit on it)',
          `check proxmox.nodes against \`pvecm nodes\``,
        ),
      );
      continue;
    }
    if (p.storage !== undefined) {
      const storage = (await d.hypervisor.listStorage(node)).find((s) => s.storage === p.storage);
      results.push(
        storage === undefined
          ? fail(
              `proxmox storage on ${node}`,
              `storage ${p.storage} is not available on ${node}`,
              `set proxmox.storage to a storage every node has (\`pvesm status\` on ${node})`,
            )
          : storage.content.includes('images')
            ? pass(`proxmox storage on ${node}`, `${p.storage} (${storage.shared ? 'shared' : 'local to the node'})`)
            : fail(
                `proxmox storage on ${node}`,
                `storage ${p.storage} does not hold disk images (content ${storage.content.join(',')})`,
                `add "images" to its content (pvesm set ${p.storage} --content images,...) or pick another storage`,
              ),
      );
    }
    const bridges = await d.inspector.bridges(node);
    results.push(
      bridges.includes(p.bridge)
        ? pass(`proxmox bridge on ${node}`, p.bridge)
        : fail(
            `proxmox bridge on ${node}`,
            `bridge ${p.bridge} does not exist on ${node} (it has ${bridges.join(', ') || 'none'})`,
            `set proxmox.bridge to one of them, or create ${p.bridge} on ${node}; grant SDN.Use on ${bridgeAclPath(p.bridge)}`,
          ),
    );
  }
  const pools = await d.inspector.pools();
  results.push(
    pools.includes(p.pool)
      ? pass('proxmox pool', p.pool)
      : fail(
          'proxmox pool',
          `pool ${p.pool} does not exist (or the token lacks Pool.Audit on it)`,
          `pveum pool add ${p.pool}`,
        ),
  );
  return results;
}

export async function proxmoxChecks(d: Deps): Promise<CheckResult[]> {
  const reach = await attempt(
    'proxmox',
    `check proxmox.url, proxmox.caFile (the CA that signed ${d.url}'s certificate), proxmox.tokenId and PROXMOX_TOKEN_SECRET`,
    async () => {
      const nodes = await d.hypervisor.listNodes();
      return pass('proxmox', `reachable at ${d.url} as ${d.tokenId}, ${nodes.length} node(s) visible`);
    },
  );
  if (!reach[0]!.ok) return reach;
  return [
    ...reach,
    ...(await attempt('proxmox privileges', 'grant the token the roles docs/operations.md lists', () => privileges(d))),
    ...(await attempt('proxmox nodes', 'check proxmox.nodes, proxmox.storage and proxmox.bridge', () => perNode(d))),
    ...(await attempt(
      'proxmox templates',
      'check proxmox.templateVmid, proxmox.templateNode and proxmox.templates',
      () => layout(d),
    )),
    ...(await attempt('proxmox room for a rebuild', 'check proxmox.nodes and proxmox.vmidRange', () =>
      rebuildRoomCheck(d.hypervisor, d.settings, d.largestProfile),
    )),
  ];
}
