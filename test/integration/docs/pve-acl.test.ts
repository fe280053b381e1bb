// docs/operations.md's pveum commands grant exactly what `runnerbot doctor` checks for the shipped
// example (per path: pool, template, nodes, storage, bridge), and a token holding only those
// grants provisions and deletes a VM on the Proxmox simulator, which checks privileges on paths.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cloneVm, configure, confirmVm, deleteVm, findVm, reserveVmid, resizeDisk, startVm, stopVm, waitIp } from '../../../src/app/steps/vm-steps.ts';
import { missingPrivileges, requiredPrivileges } from '../../../src/core/pve-privileges.ts';
import { createProxmoxInspector } from '../../../src/provisioner/proxmox-inspect.ts';
import { startProxmoxSim, type ProxmoxSim, type SimToken } from '../../../sim/proxmox/index.ts';
import { runSteps, testDeps, testRun, testSettings } from '../../../sim/proxmox/harness.ts';
import { codeItems } from './markdown.ts';
import { REPO } from './source-text.ts';

const OPERATIONS = codeItems(readFileSync(join(REPO, 'docs/operations.md'), 'utf8'));
const EXAMPLE = parse(readFileSync(join(REPO, 'runnerbot.example.yaml'), 'utf8')) as {
  proxmox: { nodes: string[]; pool: string; templateVmid: number; templates: Record<string, number>; storage: string; bridge: string };
};

/** Path -> privileges, from the guide's `pveum role add` and `pveum acl modify` lines. */
function documentedGrants(): Map<string, Set<string>> {
  const roles = new Map<string, string[]>();
  const grants = new Map<string, Set<string>>();
  for (const { text } of OPERATIONS) {
    const role = /^pveum role add (\S+) --privs "([^"]+)"/.exec(text);
    if (role) roles.set(role[1]!, role[2]!.split(/\s+/));
    const acl = /^pveum acl modify (\S+) --users \S+ --roles (\S+)/.exec(text);
    if (acl) {
      const set = grants.get(acl[1]!) ?? new Set<string>();
      for (const name of acl[2]!.split(',')) for (const p of roles.get(name) ?? [`unknown role ${name}`]) set.add(p);
      grants.set(acl[1]!, set);
    }
  }
  return grants;
}

const exampleNeeds = () =>
  requiredPrivileges({
    nodes: EXAMPLE.proxmox.nodes,
    pool: EXAMPLE.proxmox.pool,
    templates: [EXAMPLE.proxmox.templateVmid, ...Object.values(EXAMPLE.proxmox.templates)],
    storages: [EXAMPLE.proxmox.storage],
    bridges: [EXAMPLE.proxmox.bridge],
  });

describe('the Proxmox grants in docs/operations.md', () => {
  let sim: ProxmoxSim | undefined;
  afterEach(async () => {
    await sim?.close();
  });

  it('are exactly the privileges runnerbot doctor checks, path by path', () => {
    const documented = Object.fromEntries([...documentedGrants()].map(([path, set]) => [path, [...set].sort()]));
    const needed = Object.fromEntries(exampleNeeds().map((n) => [n.path, [...n.privileges].sort()]));
    expect(documented).toEqual(needed);
  });

  it('let a token with only those grants provision and delete a VM, and doctor finds nothing missing', async () => {
    const acl = [...documentedGrants()].map(([path, set]) => ({ path, privileges: [...set] }));
    const token: SimToken = { id: 'runnerbot@pve!runnerbot', secret: randomUUID(), privileges: [], acl };
    sim = await startProxmoxSim({ tokens: [token], nodes: EXAMPLE.proxmox.nodes.map((name) => ({ name })), pools: [EXAMPLE.proxmox.pool], timing: { taskMs: 10, agentBootMs: 10 } });
    const inspector = createProxmoxInspector({ url: sim.url, tokenId: token.id, tokenSecret: token.secret, ca: sim.caPem });
    for (const need of exampleNeeds()) expect([need.path, missingPrivileges(need, await inspector.privilegesOn(need.path))]).toEqual([need.path, []]);

    const deps = testDeps(sim, testSettings({ nodes: ['pve1'], pool: EXAMPLE.proxmox.pool, storage: EXAMPLE.proxmox.storage }));
    const built = await runSteps([findVm, reserveVmid, cloneVm, configure, resizeDisk, startVm, waitIp], deps, testRun('gitlab-runner-07'));
    expect(sim.vm(built.run.outputs.vmid!)).toMatchObject({ status: 'running', pool: EXAMPLE.proxmox.pool });
    await runSteps([confirmVm, stopVm, deleteVm], deps, { ...built.run, kind: 'deprovision' });
    expect(sim.vm(built.run.outputs.vmid!)).toBeUndefined();
    expect(sim.requests.filter((r) => r.status === 403)).toEqual([]);
  });
});
