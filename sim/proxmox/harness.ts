// For tests of the Proxmox steps: settings, a run, StepDeps with the real Proxmox adapter and
// simple fakes for the ports the VM steps do not use, an in-memory Coordination, and runSteps:
// the plan's step loop, saving in memory.
import { isRunnerbotError } from '../../src/core/errors.ts';
import type {
  Clock,
  Coordination,
  Fleet,
  FleetEntry,
  Hypervisor,
  RemoteShell,
  RunnerRegistry,
} from '../../src/core/ports.ts';
import type { RunRecord } from '../../src/core/run.ts';
import type { ProvisionSettings } from '../../src/core/settings.ts';
import type { RunnerSpec } from '../../src/core/spec.ts';
import type { Step, StepDeps } from '../../src/app/steps/step.ts';
import { runPlan, saveInMemory, type PlanHooks } from '../../src/app/steps/run-plan.ts';
import { createProxmoxHypervisor } from '../../src/provisioner/proxmox.ts';
import { runRecord } from '../../test/support/run-record.ts';
import type { ProxmoxSim } from './index.ts';

export const TEST_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJ1bm5lcmJvdC10ZXN0LWtleS1ub3QtYS1zZWNyZXQ runnerbot@test';

export function testSettings(overrides: Partial<ProvisionSettings['proxmox']> = {}): ProvisionSettings {
  return {
    proxmox: {
      nodes: ['pve1'],
      templateVmid: 9000,
      templates: {},
      templateNode: 'pve1',
      pool: 'runners',
      vmidRange: { min: 1000, max: 1099 },
      bridge: 'vmbr0',
      disk: 'scsi0',
      ipconfig: 'ip=dhcp',
      fullClone: true,
      ...overrides,
    },
    ssh: { user: 'runnerbot', publicKey: TEST_KEY, port: 22 },
    gitlab: {},
    onFailure: 'keep',
    managementNetworks: ['10.0.0.0/8'],
    prometheusNetworks: ['10.0.0.0/8'],
    sources: {
      aptMirror: '',
      aptSecurityMirror: 'http://security.debian.org/debian-security',
      dockerSource: 'docker',
      dockerAptRepo: '',
      dockerVersion: '',
      runnerVersion: '',
      registryMirror: '',
      runnerAptRepo: '',
      nodeExporterPackage: 'prometheus-node-exporter',
      cadvisorImage: 'gcr.io/cadvisor/cadvisor',
    },
    gitlabUrl: 'https://gitlab.example.com',
    timeouts: {
      taskMs: 10_000,
      lockMs: 10_000,
      agentMs: 10_000,
      sshMs: 10_000,
      cloudInitMs: 10_000,
      phaseMs: 10_000,
      drainJobsMs: 10_000,
    },
    pollMs: 10,
  };
}

/** A provision of `runner` under way, for steps run one by one (its plan is set by runSteps). */
export function testRun(
  runner: string,
  spec: Partial<RunnerSpec> = {},
  id = `r_${runner}_${Math.random().toString(36).slice(2, 8)}`,
): RunRecord {
  return runRecord({
    id,
    runner,
    plan: [],
    status: 'running',
    spec: {
      cores: 4,
      memoryMiB: 4096,
      diskGiB: 20,
      tags: ['docker', 'linux'],
      concurrency: 2,
      defaultImage: 'debian:12',
      ...spec,
    },
  });
}

/** A seeded PRNG (mulberry32) for Faults, so a fault pattern is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    }),
};

export class MemoryCoordination implements Coordination {
  readonly claims = new Map<number, string>();
  readonly slotsTaken: string[] = [];
  async claimVmid(vmid: number, runId: string): Promise<boolean> {
    const holder = this.claims.get(vmid) ?? runId;
    this.claims.set(vmid, holder);
    return holder === runId;
  }
  async acquireCloneSlot(node: string): Promise<() => Promise<void>> {
    this.slotsTaken.push(node);
    return async () => undefined;
  }
}

const unused = (port: string) => () => Promise.reject(new Error(`the VM steps do not use the ${port}`));
const registry: RunnerRegistry = {
  createRunner: unused('registry'),
  getRunner: unused('registry'),
  findRunnersByDescription: unused('registry'),
  setPaused: unused('registry'),
  setTags: unused('registry'),
  runningJobs: unused('registry'),
  listRunningJobs: unused('registry'),
  setDescription: unused('registry'),
  deleteRunner: unused('registry'),
  resetToken: unused('registry'),
};
const remote: RemoteShell = { connect: unused('remote shell') };
const fleet: Fleet = {
  upsert: unused('fleet'),
  remove: unused('fleet'),
  list: async (): Promise<FleetEntry[]> => [],
  get: async () => null,
};

export function proxmoxFor(sim: ProxmoxSim, token = sim.token): Hypervisor {
  return createProxmoxHypervisor({
    url: sim.url,
    tokenId: token.id,
    tokenSecret: token.secret,
    ca: sim.caPem,
    pollMs: 10,
    requestTimeoutMs: 5000,
  });
}

export function testDeps(
  sim: ProxmoxSim,
  settings = testSettings(),
  coordination: Coordination = new MemoryCoordination(),
): StepDeps {
  return {
    hypervisor: proxmoxFor(sim),
    registry,
    remote,
    coordination,
    fleet,
    clock: realClock,
    settings,
    bootstrapScript: '',
  };
}

export interface StepRun {
  run: RunRecord;
  applied: string[];
  transientErrors: string[];
}

/** Runs the steps in order through the step loop; with `retries`, a step failing transiently is tried again. */
export async function runSteps(steps: Step[], deps: StepDeps, start: RunRecord, retries = 0): Promise<StepRun> {
  const applied: string[] = [];
  const transientErrors: string[] = [];
  const byName = Object.fromEntries(steps.map((step) => [step.name, step]));
  const hooks: PlanHooks = {
    save: async (run, patch) => saveInMemory(run, patch),
    afterStep: async (_run, name, wasApplied) => void (wasApplied && applied.push(name)),
  };
  let run: RunRecord = { ...start, plan: steps.map((step) => step.name), checkpoint: 0 };
  let attempts = 0;
  for (;;) {
    const outcome = await runPlan(
      { run, steps: byName, deps, memory: {}, signal: new AbortController().signal },
      hooks,
    );
    if (outcome.ok)
      return { run: { ...outcome.run, plan: start.plan, checkpoint: start.checkpoint }, applied, transientErrors };
    const { error } = outcome;
    attempts = outcome.run.checkpoint === run.checkpoint ? attempts + 1 : 1;
    if (!(isRunnerbotError(error) && error.transient && attempts <= retries)) throw error;
    transientErrors.push(`${outcome.step}: ${error.code} ${error.message}`);
    run = outcome.run;
  }
}
