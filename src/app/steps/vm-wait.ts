// Polling with the job's clock: tries `probe` after 10 ms, then less often up to every `pollMs`,
// until it yields a value; transient failures in between count as "not yet". Past the timeout it
// fails transiently, naming the wait.
import { isRunnerbotError, transient } from '../../core/errors.ts';
import { pollDelay } from '../../core/poll-backoff.ts';
import type { StepContext } from './step.ts';

export async function pollUntil<T>(
  ctx: StepContext,
  timeoutMs: number,
  what: string,
  probe: () => Promise<T | null>,
): Promise<T> {
  const { clock, settings } = ctx.deps;
  const deadline = clock.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const value = await probe().catch((error: unknown) => {
      if (isRunnerbotError(error) && error.transient) return null;
      throw error;
    });
    if (value !== null) return value;
    if (clock.now() >= deadline) throw transient('STEP.TIMEOUT', `${what} did not happen within ${timeoutMs} ms`);
    await clock.sleep(pollDelay(attempt, settings.pollMs), ctx.signal);
  }
}

export async function waitUnlocked(ctx: StepContext, node: string, vmid: number): Promise<void> {
  await pollUntil(ctx, ctx.deps.settings.timeouts.lockMs, `the config lock of VM ${vmid} clearing`, async () => {
    const config = await ctx.deps.hypervisor.getVmConfig(node, vmid);
    return config.lock === undefined ? true : null;
  });
}
