// One provision's wall time against what it must wait for: the simulator's own delays (each
// Proxmox task it started runs TASK_MS; the guest agent answers once the VM has booted, at least
// AGENT_MS after its start task, and no sooner than the fake VM's sshd is up, which the farm
// takes 100-200 ms to spawn: that boot is timed in the same run) plus the SSH phase (wait-ssh ..
// verify, timed in the same run). With the example's pollMs of 2000, fixed-interval polling spent
// seconds asleep after 30 ms tasks; polls that start at 10 ms and back off should keep the wall
// within 1.2x of that sum. Last line: one JSON object.
// Run: npm run bench -- provision-wall
import { requestProvision, runToEnd } from '../integration/provisioner/support/drive.ts';
import { startWorld } from '../integration/provisioner/support/world.ts';

const TASK_MS = 30;
const AGENT_MS = 50;
const POLL_MS = 2000;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 4);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** Requests that start a Proxmox task (their answer is a UPID). */
const STARTS_TASK =
  /^(POST \/nodes\/[^/]+\/qemu\/\d+\/(clone|status\/start|status\/stop)|PUT \/nodes\/[^/]+\/qemu\/\d+\/resize|DELETE \/nodes\/[^/]+\/qemu\/\d+)$/;

export async function run(): Promise<void> {
  const world = await startWorld({
    proxmox: { timing: { taskMs: TASK_MS, cloneTaskMs: TASK_MS, agentBootMs: AGENT_MS, dockerAfterMs: AGENT_MS } },
    pollMs: POLL_MS,
  });
  const walls: number[] = [];
  const floors: number[] = [];
  const agentWaits: number[] = [];
  // The simulator starts the guest when the start task ends; its agent answers from
  // max(AGENT_MS later, the boot's end).
  let booted = { started: 0, ended: 0 };
  const boot = world.vmHost.boot.bind(world.vmHost);
  world.vmHost.boot = async (request) => {
    const started = performance.now();
    const result = await boot(request);
    booted = { started, ended: performance.now() };
    return result;
  };
  try {
    for (let i = 0; i <= SAMPLES; i++) {
      const seen = world.proxmox.requests.length;
      let sshStarted = 0;
      let ssh = 0;
      const started = performance.now();
      const outcome = await runToEnd(world, await requestProvision(world, `gitlab-runner-wall-${i}`), {
        onEvent: async (e) => {
          if (e.type === 'step-started' && e.step === 'wait-ssh') sshStarted = performance.now();
          if (e.type === 'step-finished' && e.step === 'verify') ssh = performance.now() - sshStarted;
        },
      });
      const wall = performance.now() - started;
      if (outcome.run.status !== 'succeeded' || outcome.attempts !== 1)
        throw new Error(
          `provision ${i}: ${outcome.run.status}: ${outcome.error?.message ?? outcome.retried.join('; ')}`,
        );
      const tasks = world.proxmox.requests
        .slice(seen)
        .filter((r) => STARTS_TASK.test(`${r.method} ${r.path}`) && r.status === 200).length;
      if (i === 0) continue; // warm-up
      const agentWait = Math.max(AGENT_MS, booted.ended - booted.started);
      walls.push(wall);
      agentWaits.push(agentWait);
      floors.push(tasks * TASK_MS + agentWait + ssh);
    }
  } finally {
    await world.close();
  }
  const [wall, floor, agentWait] = [median(walls), median(floors), median(agentWaits)];
  console.log(
    `provision wall: ${SAMPLES} provisions (after 1 warm-up), ${TASK_MS} ms tasks, guest agent after ${AGENT_MS} ms or the boot, pollMs ${POLL_MS}; medians`,
  );
  console.log(
    `  wall ${wall.toFixed(0)} ms   simulator waits (agent after ${agentWait.toFixed(0)} ms) + SSH phase ${floor.toFixed(0)} ms   (goal: wall <= 1.2x)`,
  );
  console.log(
    JSON.stringify({
      bench: 'provision-wall',
      vs_waits: Math.round((wall / floor) * 100) / 100,
      // The same wall against the earlier floor, which counted AGENT_MS and not the boot.
      vs_waits_without_boot: Math.round((wall / (floor - agentWait + AGENT_MS)) * 100) / 100,
      wall_ms: Math.round(wall),
      waits_ms: Math.round(floor),
      agent_wait_ms: Math.round(agentWait),
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
