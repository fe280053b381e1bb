// runnerbot's own overhead per provision: N provisions in this process against the Proxmox and
// GitLab simulators (tasks, clone lock and guest boot in milliseconds) and fake VMs with a real
// sshd. Total time minus the time spent waiting on the simulators — every Hypervisor,
// RunnerRegistry and RemoteShell call and every poll sleep, timed by decorators around the real
// adapters — is what runnerbot itself costs: its logic, Redis records, audit and progress.
// Run: npm run bench, or alone: node --import tsx test/bench/provision-overhead.ts
import { planFor } from '../../src/core/plan.ts';
import { requestProvision, runToEnd } from '../integration/provisioner/support/drive.ts';
import { timedStepDeps, WaitMeter } from '../integration/provisioner/support/timed-ports.ts';
import { startWorld } from '../integration/provisioner/support/world.ts';

const PROVISIONS = 12;
const WARMUP = 2;
const ANCHOR_MS = 500;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const line = (name: string, values: number[]) =>
  console.log(
    `${name.padEnd(34)} p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(values, 99).toFixed(1).padStart(7)} ms`,
  );

export async function run(): Promise<void> {
  const world = await startWorld({
    proxmox: { timing: { taskMs: 2, cloneTaskMs: 2, agentBootMs: 2, dockerAfterMs: 2 } },
    pollMs: 5,
  });
  const meter = new WaitMeter();
  const stepDeps = timedStepDeps(world.stepDeps, meter);
  const totals: number[] = [];
  const waits: number[] = [];
  const overheads: number[] = [];
  try {
    for (let i = 0; i < WARMUP + PROVISIONS; i++) {
      meter.reset();
      const started = performance.now();
      const run = await requestProvision(world, `gitlab-runner-bench-${i}`);
      const outcome = await runToEnd(world, run, { stepDeps });
      const total = performance.now() - started;
      if (outcome.run.status !== 'succeeded' || outcome.attempts !== 1) {
        throw new Error(
          `provision ${i} ended ${outcome.run.status} after ${outcome.attempts} attempt(s): ${outcome.error?.message ?? outcome.retried.join('; ')}`,
        );
      }
      if (i < WARMUP) continue;
      totals.push(total);
      waits.push(meter.waitedMs);
      overheads.push(total - meter.waitedMs);
    }
  } finally {
    await world.close();
  }
  console.log(
    `provision overhead: ${PROVISIONS} provisions (after ${WARMUP} warm-up), one at a time, ${planFor('provision').length} steps each`,
  );
  line('total per provision', totals);
  line('waiting on simulators and VM', waits);
  line("runnerbot's own overhead", overheads);
  const p99 = percentile(overheads, 99);
  console.log(
    `anchor: overhead < ${ANCHOR_MS} ms per provision — p99 ${p99.toFixed(1)} ms: ${p99 < ANCHOR_MS ? 'met' : 'MISSED'}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
