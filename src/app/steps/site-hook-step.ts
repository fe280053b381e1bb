// The site hook (`provision.siteHook`): a script of the operator's own, run as root on the VM as the
// last bootstrap phase. `HOOK check` changes nothing and exits 0 when there is nothing to do;
// otherwise `HOOK apply` does the work, and must change nothing when run again.
import { BOOTSTRAP_DIR } from '../../core/bootstrap-env.ts';
import { permanent } from '../../core/errors.ts';
import type { ExecResult, RemoteSession } from '../../core/ports.ts';
import { shellCommand } from '../../core/shell-quote.ts';
import { onVm } from './remote-steps.ts';
import type { Step, StepContext } from './step.ts';

export const SITE_HOOK_PATH = `${BOOTSTRAP_DIR}/site-hook`;

const uploaded = new WeakSet<RemoteSession>();

/** What the hook said last: its stderr's last line when it failed and wrote one, else its stdout's. */
function lastWords(out: ExecResult): string {
  const text = out.code !== 0 && out.stderr.trim() ? out.stderr : out.stdout;
  return text.trim().split('\n').at(-1)?.slice(0, 200) ?? '';
}

async function runHook(ctx: StepContext, mode: 'check' | 'apply'): Promise<ExecResult> {
  const hook = ctx.deps.siteHook!;
  return onVm(ctx, async (s) => {
    if (!uploaded.has(s)) {
      if ((await s.readFile(SITE_HOOK_PATH)) !== hook.script) await s.writeFile(SITE_HOOK_PATH, hook.script, 0o700);
      uploaded.add(s);
    }
    return s.exec(shellCommand(['sudo', '-n', SITE_HOOK_PATH, mode]), {
      timeoutMs: ctx.deps.settings.timeouts.phaseMs,
    });
  });
}

const outputs = (ctx: StepContext, result: string) => ({ phases: { ...ctx.run.outputs.phases, site: result } });

export const bootstrapSite: Step = {
  name: 'bootstrap-site',
  async check(ctx) {
    if (!ctx.deps.siteHook) return { done: true, outputs: outputs(ctx, 'none') };
    const out = await runHook(ctx, 'check');
    return out.code === 0 ? { done: true, outputs: outputs(ctx, 'unchanged') } : { done: false };
  },
  async apply(ctx) {
    const out = await runHook(ctx, 'apply');
    if (out.code !== 0)
      throw permanent(
        'REMOTE.PHASE_FAILED',
        `the site hook ${ctx.deps.siteHook!.name} failed (exit ${out.code}): ${lastWords(out) || 'it printed nothing'}`,
      );
    return outputs(ctx, 'applied');
  },
};
