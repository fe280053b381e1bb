// The SSH phase on a real Debian VM (QEMU under TCG, the world of `npm run test:vm`): a first
// provision through the CLI onto a new VM, then a re-run on the same VM, each timed from wait-ssh
// starting to verify finishing (the CLI's own step times, summed). One sample each: a provision
// costs about 800 QEMU CPU-seconds here. Run only when named (as root, after
// `bash scripts/setup-machine.sh --vm`):  npm run bench -- vm-ssh-phase
// There is no baseline in this bench: `npm run bench -- ssh-phase` compares the same steps with a
// raw ssh script and Ansible on fake VMs, where samples are cheap enough to take a median.
import { loadavg } from 'node:os';
import { startVmWorld } from '../vm/world.ts';

const FIRST_STEP = 'wait-ssh';
const LAST_STEP = 'verify';

/** Seconds from FIRST_STEP to LAST_STEP in the CLI's step lines (`✓ bootstrap-docker  applied  232.4s`). */
export function sshPhaseSeconds(stdout: string): number {
  const steps = [...stdout.matchAll(/^\S+ (\S+) +\S.*? ([\d.]+)s$/gm)].map((m) => ({ name: m[1]!, s: Number(m[2]) }));
  const from = steps.findIndex((s) => s.name === FIRST_STEP);
  const to = steps.findIndex((s) => s.name === LAST_STEP);
  if (from < 0 || to < from) throw new Error(`no ${FIRST_STEP}..${LAST_STEP} step lines in:\n${stdout}`);
  return steps.slice(from, to + 1).reduce((sum, s) => sum + s.s, 0);
}

async function provision(world: Awaited<ReturnType<typeof startVmWorld>>, name: string) {
  const cpuBefore = await world.qemu.cpuSeconds();
  const result = await world.runnerbot(['provision', name], 50 * 60_000);
  if (result.code !== 0) throw new Error(`provision ${name} failed (exit ${result.code}):\n${result.stdout}`);
  return { seconds: sshPhaseSeconds(result.stdout), qemuCpu: (await world.qemu.cpuSeconds()) - cpuBefore };
}

async function run(): Promise<void> {
  const world = await startVmWorld();
  try {
    const first = await provision(world, 'gitlab-runner-bench');
    const rerun = await provision(world, 'gitlab-runner-bench');
    const load = loadavg()[0]!;
    const fmt = (x: number) => x.toFixed(1);
    console.log(`ssh phase on a real Debian VM (QEMU, TCG, 2 vCPUs), load ${load.toFixed(1)}`);
    console.log(`  first apply: ${fmt(first.seconds)} s (QEMU ${fmt(first.qemuCpu)} CPU-s for the whole provision)`);
    console.log(`  re-run:      ${fmt(rerun.seconds)} s (QEMU ${fmt(rerun.qemuCpu)} CPU-s)`);
    console.log(
      JSON.stringify({
        bench: 'vm-ssh-phase',
        first_s: Number(fmt(first.seconds)),
        rerun_s: Number(fmt(rerun.seconds)),
        load: Number(load.toFixed(1)),
      }),
    );
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
