// adopt-successor: once the old runner and VM are gone, the successor takes the runner's name
// everywhere: the Proxmox VM's name (and description), the GitLab runner's description, and the
// run's outputs (which `announce` then publishes to the fleet and Prometheus). Whether it is done
// is read from Proxmox and GitLab, so a crash between the two renames resumes with the missing one.
import { permanent } from '../../core/errors.ts';
import type { RunOutputs } from '../../core/run.ts';
import { successorName } from '../../core/successor.ts';
import type { Step, StepContext } from './step.ts';
import { cloneDescription, locateVm, notOurs, notOursBecause } from './vm-ownership.ts';

type Successor = Required<Pick<RunOutputs, 'vmid' | 'node' | 'ip' | 'runnerId'>> & RunOutputs;

function recordedSuccessor(ctx: StepContext): Successor {
  const s = ctx.run.outputs.successor;
  if (s?.vmid === undefined || s.node === undefined || s.ip === undefined || s.runnerId === undefined)
    throw permanent(
      'STEP.UNRECOVERABLE',
      `the run has no verified successor for ${ctx.run.runner} to hand the name to (${JSON.stringify(s ?? {})})`,
    );
  return s as Successor;
}

/** The run's outputs once the successor holds the name: its VM and runner, nothing of the old one's. */
const promoted = (s: Successor): Partial<RunOutputs> => ({
  vmid: s.vmid,
  node: s.node,
  ip: s.ip,
  runnerId: s.runnerId,
  cloneUpid: s.cloneUpid,
  phases: s.phases,
  successor: undefined,
});

async function successorState(ctx: StepContext, s: Successor) {
  const [vm, runner] = await Promise.all([locateVm(ctx, s.vmid), ctx.deps.registry.getRunner(s.runnerId)]);
  if (!vm) throw gone(ctx, `its VM ${s.vmid}`);
  if (!runner) throw gone(ctx, `its GitLab runner ${s.runnerId}`);
  return { vm, runner };
}

const gone = (ctx: StepContext, what: string) =>
  permanent(
    'STEP.UNRECOVERABLE',
    `the successor of ${ctx.run.runner} lost ${what} before it took the name; provision ${ctx.run.runner} again`,
  );

export const adoptSuccessor: Step = {
  name: 'adopt-successor',
  async check(ctx) {
    if (ctx.run.outputs.successor === undefined) return { done: true };
    const s = recordedSuccessor(ctx);
    const { vm, runner } = await successorState(ctx, s);
    const named = vm.name === ctx.run.runner && runner.description === ctx.run.runner;
    return named ? { done: true, outputs: promoted(s) } : { done: false };
  },
  async apply(ctx) {
    const { run, deps } = ctx;
    const s = recordedSuccessor(ctx);
    const { vm, runner } = await successorState(ctx, s);
    if (vm.name !== run.runner) {
      const why =
        vm.name === successorName(run.runner)
          ? await notOursBecause(deps.hypervisor, vm, deps.settings)
          : `it is named "${vm.name}", not "${successorName(run.runner)}"`;
      if (why) throw notOurs(vm, why);
      await deps.hypervisor.renameVm(vm.node, vm.vmid, run.runner, cloneDescription(run));
    }
    if (runner.description !== run.runner) await deps.registry.setDescription(runner.id, run.runner);
    return promoted(s);
  },
};
