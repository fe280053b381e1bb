// Retry and Deprovision on a failed run's message: each asks for a new run, with the clicking
// user as requester, through the same request-job as `/runner` (so Deprovision waits for approval).
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ChangeCommand } from '../../app/resolve-request.ts';
import { quoteInput } from '../../core/command-echo.ts';
import { replacesFirst } from '../../core/plan.ts';
import type { RunRecord } from '../../core/run.ts';
import { ACTION_IDS } from '../blocks/index.ts';
import { refusalReply, type Reply } from '../answers/replies.ts';
import type { BotDeps } from '../bot-deps.ts';
import { requestChange } from './command-handler.ts';
import { buttonHandler, type ButtonArgs } from './approval.ts';

/** The same request again: same kind, runner and spec (overrides included). */
export function retryCommand(run: RunRecord): ChangeCommand {
  if (run.kind === 'provision') {
    const { spec } = run;
    return {
      kind: 'provision',
      name: run.runner,
      profile: spec.profile,
      cores: spec.cores,
      memoryMiB: spec.memoryMiB,
      diskGiB: spec.diskGiB,
      tags: spec.tags,
      ...(spec.node ? { node: spec.node } : {}),
      dryRun: false,
    };
  }
  const reason = `retry of run ${run.id}${run.reason ? `: ${run.reason}` : ''}`;
  if (run.kind === 'rotate-token') return { kind: 'rotate-token', name: run.runner, reason, dryRun: false };
  return run.kind === 'reprovision'
    ? {
        kind: 'reprovision',
        name: run.runner,
        profile: run.spec.profile,
        reason,
        ...(replacesFirst(run.plan) ? {} : { inPlace: true }),
        dryRun: false,
      }
    : { kind: 'deprovision', name: run.runner, reason, dryRun: false };
}

async function fromRun(deps: BotDeps, args: ButtonArgs, toCommand: (run: RunRecord) => ChangeCommand): Promise<Reply> {
  const runId = args.action.value ?? '';
  const run = await deps.runs.get(runId);
  if (!run) return refusalReply({ code: 'RUN.NOT_FOUND', message: `there is no run ${quoteInput(runId)}` });
  return requestChange(deps, toCommand(run), args.body.user.id);
}

/** The Deprovision button carries the runner's name (or, from older messages, the failed run's id). */
async function deprovisionFrom(deps: BotDeps, args: ButtonArgs): Promise<Reply> {
  const value = args.action.value ?? '';
  const run = await deps.runs.get(value);
  const reason = run ? `clean up after failed run ${run.id}` : 'clean up after a failed run';
  return requestChange(
    deps,
    { kind: 'deprovision', name: run?.runner ?? value, reason, dryRun: false },
    args.body.user.id,
  );
}

export function registerRunActions(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION_IDS.retry,
    buttonHandler(deps, 'retry', (args) => fromRun(deps, args, retryCommand)),
  );
  app.action<BlockAction<ButtonAction>>(
    ACTION_IDS.deprovision,
    buttonHandler(deps, 'deprovision', (args) => deprovisionFrom(deps, args)),
  );
}
