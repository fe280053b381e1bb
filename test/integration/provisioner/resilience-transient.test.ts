// Issue 3, transient faults: 20% 5xx from Proxmox (seeded), a slow guest agent, SSH refused for
// the first seconds, the clone lock held — each alone and all at once. Driven by runnerbot's retry
// policy (runJob attempts with backoff, as the worker does), every provision must end with one
// VM and one working runner.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../src/core/ports.ts';
import { Faults } from '../../../sim/faults.ts';
import { seededRandom } from '../../../sim/proxmox/harness.ts';
import { requestProvision, runToEnd, type DriveOptions } from './support/drive.ts';
import { endState, healthy } from './support/end-state.ts';
import { startWorld, type World } from './support/world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld({ proxmox: { faults: new Faults(seededRandom(7)) }, pollMs: 25 });
}, 60_000);
afterAll(() => world?.close(), 60_000);

const DEFAULT_TIMING = { cloneTaskMs: 30, agentBootMs: 50 };

async function provisionUnder(name: string, fault: () => void, options: DriveOptions = {}) {
  const run = await requestProvision(world, name);
  fault();
  try {
    const outcome = await runToEnd(world, run, options);
    return { run, outcome };
  } finally {
    world.proxmox.faults.clear();
    Object.assign(world.proxmox.timing, DEFAULT_TIMING);
    world.vmHost.sshdDelayMs = 0;
  }
}

const refused = (ip: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: ip, port }, () => (socket.destroy(), resolve(false)));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });

/** Whether SSH refused connections at the moment the guest agent had reported the VM's address. */
function sshProbe(): { seen: { refused?: boolean }; onEvent: (e: ProgressEvent) => Promise<void> } {
  const seen: { refused?: boolean } = {};
  return {
    seen,
    async onEvent(e) {
      if (e.type === 'step-finished' && e.step === 'wait-ip')
        seen.refused = await refused(e.run.outputs.ip!, world.farm.sshPort);
    },
  };
}

/** Watches the simulator for the named VM's clone lock while the provision runs. */
function lockWatch(name: string) {
  let held = false;
  const timer = setInterval(() => {
    held ||= [...world.proxmox.state.vms.values()].some((vm) => vm.config.name === name && vm.config.lock === 'clone');
  }, 10);
  return { stop: () => (clearInterval(timer), held) };
}

const proxmoxAnswered = (status: number, pathEnd = '') =>
  world.proxmox.requests.filter((r) => r.status === status && r.path.endsWith(pathEnd)).length;

describe('a provision under transient faults', () => {
  it('succeeds with 20% of Proxmox requests answered 503', async () => {
    const before = proxmoxAnswered(503);
    const { run, outcome } = await provisionUnder('gitlab-runner-flaky', () =>
      world.proxmox.faults.set('', { errorRate: 0.2, status: 503 }),
    );
    expect(outcome.error).toBeUndefined();
    expect(proxmoxAnswered(503) - before).toBeGreaterThan(5);
    expect(outcome.retried.every((e) => /^STEP\.(TRANSIENT|TIMEOUT): .*(Proxmox|503)/.test(e))).toBe(true);
    expect(await endState(world, run)).toEqual(healthy(outcome.run.outputs.vmid!));
  });

  it('succeeds when the guest agent answers only after seconds', async () => {
    const before = proxmoxAnswered(500, '/agent/network-get-interfaces');
    const { run, outcome } = await provisionUnder(
      'gitlab-runner-slowboot',
      () => (world.proxmox.timing.agentBootMs = 3000),
    );
    expect(outcome.error).toBeUndefined();
    expect(proxmoxAnswered(500, '/agent/network-get-interfaces') - before).toBeGreaterThan(10);
    expect(await endState(world, run)).toEqual(healthy(outcome.run.outputs.vmid!));
  });

  it('succeeds when SSH refuses connections for the first seconds', async () => {
    const probe = sshProbe();
    const { run, outcome } = await provisionUnder('gitlab-runner-latessh', () => (world.vmHost.sshdDelayMs = 3000), {
      onEvent: probe.onEvent,
    });
    expect(outcome.error).toBeUndefined();
    expect(probe.seen.refused).toBe(true);
    expect(await endState(world, run)).toEqual(healthy(outcome.run.outputs.vmid!));
  });

  it('succeeds when the clone holds the new VM locked for seconds', async () => {
    const watch = lockWatch('gitlab-runner-lockedclone');
    const { run, outcome } = await provisionUnder(
      'gitlab-runner-lockedclone',
      () => (world.proxmox.timing.cloneTaskMs = 3000),
    );
    expect(watch.stop()).toBe(true);
    expect(outcome.error).toBeUndefined();
    expect(await endState(world, run)).toEqual(healthy(outcome.run.outputs.vmid!));
  });

  it('succeeds with every one of those faults at once', async () => {
    const probe = sshProbe();
    const watch = lockWatch('gitlab-runner-stormy');
    const { run, outcome } = await provisionUnder(
      'gitlab-runner-stormy',
      () => {
        world.proxmox.faults.set('', { errorRate: 0.2, status: 503 });
        Object.assign(world.proxmox.timing, { agentBootMs: 2000, cloneTaskMs: 2000 });
        // Both clocks start at boot: sshd must stay down well past the agent's 2 s, or the address
        // can arrive after sshd is up and the refusal is never seen.
        world.vmHost.sshdDelayMs = 4000;
      },
      { onEvent: probe.onEvent },
    );
    expect(watch.stop()).toBe(true);
    expect(outcome.error).toBeUndefined();
    expect(probe.seen.refused).toBe(true);
    expect(await endState(world, run)).toEqual(healthy(outcome.run.outputs.vmid!));
  });
});
