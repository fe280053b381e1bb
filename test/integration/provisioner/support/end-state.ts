// What exists for one runner name once a provision is over, as the simulators, the fake VM and
// Redis show it: the counts a test compares with "exactly one VM, one runner, one VMID".
import type { RunRecord } from '../../../../src/core/run.ts';
import type { World } from './world.ts';

export interface EndState {
  status: RunRecord['status'];
  /** VMs with the name in Proxmox, and fake machines with it in the farm. */
  vms: number;
  machines: number;
  /** Clone requests Proxmox accepted for the name. */
  clones: number;
  /** VMIDs this run holds a claim on in Redis. */
  vmidsClaimed: number[];
  /** GitLab runners with the name, and runner creations GitLab accepted for it. */
  runners: number;
  runnersCreated: number;
  /** The fleet entry names the VM and runner that exist. */
  announced: boolean;
  /** `gitlab-runner verify` on the VM accepts the token in config.toml, and GitLab saw that runner. */
  tokenVerified: boolean;
  runnerOnline: boolean;
}

async function claimedBy(world: World, runId: string): Promise<number[]> {
  const keys = await world.redis.keys(`${world.prefix}:vmid:*`);
  const owners = keys.length ? await world.redis.mget(...keys) : [];
  return keys
    .filter((_, i) => owners[i] === runId)
    .map((k) => Number(k.split(':').at(-1)))
    .sort((a, b) => a - b);
}

/** Runs `gitlab-runner verify` on the VM over runnerbot's own SSH adapter. */
async function verifyOnVm(world: World, ip: string): Promise<boolean> {
  const session = await world.stepDeps.remote.connect(ip, 10_000);
  try {
    const out = await session.exec('sudo -n gitlab-runner verify', { timeoutMs: 20_000 });
    return out.code === 0 && /is valid/.test(out.stdout);
  } finally {
    await session.close();
  }
}

export async function endState(world: World, run: RunRecord): Promise<EndState> {
  const name = run.runner;
  const final = (await world.stores.runs.get(run.id))!;
  const vms = [...world.proxmox.state.vms.values()].filter((vm) => vm.config.name === name);
  const runners = world.gitlab.runners().filter((r) => r.description === name);
  const vm = vms[0];
  const runner = runners[0];
  const fleet = await world.stores.fleet.get(name);

  let tokenVerified = false;
  if (vm?.ip && runner) {
    const before = Date.now();
    const valid = await verifyOnVm(world, vm.ip);
    const contacted = world.gitlab.runners().find((r) => r.id === runner.id)?.contactedAt ?? 0;
    tokenVerified = valid && contacted >= before;
  }
  return {
    status: final.status,
    vms: vms.length,
    machines: world.farm.list().filter((m) => m.name === name).length,
    clones: world.proxmox.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/clone') && r.params.name === name && r.status === 200,
    ).length,
    vmidsClaimed: await claimedBy(world, run.id),
    runners: runners.length,
    runnersCreated: world.gitlab
      .requests()
      .filter((r) => r.operationId === 'postApiV4UserRunners' && r.status === 201 && r.body?.description === name)
      .length,
    announced: fleet !== null && fleet.vmid === vm?.vmid && fleet.runnerId === runner?.id && fleet.ip === vm?.ip,
    tokenVerified,
    runnerOnline: runner?.contactedAt !== null && runner !== undefined,
  };
}

/** The end state of a provision that worked: one of everything, verified. */
export const healthy = (vmid: number): EndState => ({
  status: 'succeeded',
  vms: 1,
  machines: 1,
  clones: 1,
  vmidsClaimed: [vmid],
  runners: 1,
  runnersCreated: 1,
  announced: true,
  tokenVerified: true,
  runnerOnline: true,
});
