// The steps of a token rotation. `reset-token` has GitLab issue a new token: from that moment the
// old one is refused, and the new one lives only in this attempt's memory. `install-token` puts it
// in the VM's config.toml (atomic rename, only the token lines change). A process killed between
// the two loses the token for good, so a resumed install-token, finding the file's token refused
// by GitLab, resets again and installs that one: tokens are never saved to Redis or job data.
//
// gitlab-runner picks the file up by itself: it checks config.toml for modifications every 3 s and
// reloads it (SIGHUP does the same), without stopping the jobs it runs, which report with their own
// job tokens (docs.gitlab.com/runner/configuration/advanced-configuration: "GitLab Runner does not
// require a restart when you change most options"). A restart would wait for or cut running jobs,
// and `systemctl reload` is refused: the unit the package installs has no ExecReload. So nothing
// is run after the write; `verify` then runs `gitlab-runner verify` on the VM against the new file.
import { tokenTimesOf, withToken } from '../../core/config-toml.ts';
import { permanent } from '../../core/errors.ts';
import type { RunOutputs } from '../../core/run.ts';
import { onVm, RUNNER_CONFIG_PATH, runnerVerifies } from './remote-steps.ts';
import { issueToken, runnerToken } from './runner-steps.ts';
import type { Step, StepContext } from './step.ts';

function timesOutput(times: { obtainedAt: number; expiresAt: string | null } | null | undefined): Partial<RunOutputs> {
  return times ? { tokenObtainedAt: times.obtainedAt, tokenExpiresAt: times.expiresAt } : {};
}

export const resetToken: Step = {
  name: 'reset-token',
  // Never already done: a token issued by an earlier attempt died with that attempt's memory.
  async check() {
    return { done: false };
  },
  async apply(ctx) {
    if (ctx.run.outputs.runnerId === undefined)
      throw permanent('STEP.UNRECOVERABLE', `runnerbot has no GitLab runner id for ${ctx.run.runner}`);
    // A file that cannot take a new token is refused while GitLab still takes the old one.
    await onVm(ctx, async (s) => void rotated(ctx, await s.readFile(RUNNER_CONFIG_PATH), ''));
    await issueToken(ctx);
  },
};

/** The file as it must be with the token this attempt holds, or a refusal when it is not runnerbot's. */
function rotated(ctx: StepContext, current: string | null, token: string): string {
  const times = ctx.memory.runnerTokenTimes ?? { obtainedAt: ctx.deps.clock.now(), expiresAt: null };
  const next =
    current === null
      ? null
      : withToken(current, { token, tokenObtainedAt: times.obtainedAt, tokenExpiresAt: times.expiresAt });
  if (next === null)
    throw permanent(
      'REMOTE.PHASE_FAILED',
      `${RUNNER_CONFIG_PATH} on ${ctx.run.runner} is missing or holds no single runner with a token; reprovision it`,
    );
  return next;
}

export const installToken: Step = {
  name: 'install-token',
  async check(ctx) {
    return onVm(ctx, async (s) => {
      const current = await s.readFile(RUNNER_CONFIG_PATH);
      if (current === null) return { done: false };
      const held = ctx.memory.runnerToken;
      if (held !== undefined)
        return rotated(ctx, current, held) === current
          ? { done: true, outputs: timesOutput(ctx.memory.runnerTokenTimes) }
          : { done: false };
      // Resumed: the file holds the new token only if a crashed attempt installed it; GitLab refuses any other.
      return (await runnerVerifies(s)) ? { done: true, outputs: timesOutput(tokenTimesOf(current)) } : { done: false };
    });
  },
  async apply(ctx) {
    const token = await runnerToken(ctx);
    await onVm(ctx, async (s) => {
      const content = rotated(ctx, await s.readFile(RUNNER_CONFIG_PATH), token);
      await s.writeFile(RUNNER_CONFIG_PATH, content, 0o600);
    });
    return timesOutput(ctx.memory.runnerTokenTimes);
  },
};

export const recordToken: Step = {
  name: 'record-token',
  async check({ run, deps }) {
    const entry = await deps.fleet.get(run.runner);
    return entry !== null && entry.tokenObtainedAt === run.outputs.tokenObtainedAt ? { done: true } : { done: false };
  },
  async apply({ run, deps }) {
    const entry = await deps.fleet.get(run.runner);
    if (!entry) throw permanent('RUNNER.NOT_FOUND', `${run.runner} is no longer in runnerbot's fleet`);
    const { tokenObtainedAt, tokenExpiresAt } = run.outputs;
    if (tokenObtainedAt === undefined) return;
    await deps.fleet.upsert({ ...entry, tokenObtainedAt, tokenExpiresAt: tokenExpiresAt ?? null });
  },
};
