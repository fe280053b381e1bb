// Approve and Deny on an approval card. Ack first; the decision itself is atomic in
// decide-approval, so a double click or two approvers at once enqueue one job. The card is
// rewritten by the notifier (approval-decided); a refusal is told only to the clicking user.
import type { App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decideApprovalForRun } from '../../app/decide-approval.ts';
import { expireApprovals } from '../../app/expire-approvals.ts';
import { ACTION_IDS } from '../blocks/index.ts';
import { refusalReply, safeReply, unexpectedReply, type Reply } from '../answers/replies.ts';
import { errorText, type BotDeps } from '../bot-deps.ts';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/** Acks, claims the delivery, runs `work`, and tells the clicking user its answer (if any) ephemerally. */
export function buttonHandler(deps: BotDeps, name: string, work: (args: ButtonArgs) => Promise<Reply | undefined>) {
  return async (args: ButtonArgs): Promise<void> => {
    const arrived = performance.now();
    await args.ack();
    deps.observeAck?.((performance.now() - arrived) / 1000);
    if (!(await deps.dedupe.claim(args.body.trigger_id))) return;
    let reply: Reply | undefined;
    try {
      reply = await work(args);
    } catch (error) {
      deps.logger.error({ err: error, action: name, user: args.body.user.id }, 'button click failed');
      reply = unexpectedReply(errorText(error));
    }
    if (!reply) return;
    await args
      .respond({ response_type: 'ephemeral', replace_original: false, ...safeReply(reply, deps.scrub) })
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, action: name }, 'could not answer a click through response_url'),
      );
  };
}

async function decide(deps: BotDeps, args: ButtonArgs, decision: 'approve' | 'deny'): Promise<Reply | undefined> {
  const result = await decideApprovalForRun(
    { ...deps, approvers: deps.policy.approvers },
    { runId: args.action.value ?? '', userId: args.body.user.id, decision },
  );
  if (result.ok) return undefined;
  // The sweeper may not have passed yet: expire now, so the card says "Expired" at once.
  if (result.error.code === 'APPROVAL.EXPIRED') await expireApprovals(deps);
  return refusalReply(result.error);
}

export function registerApproval(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION_IDS.approve,
    buttonHandler(deps, 'approve', (args) => decide(deps, args, 'approve')),
  );
  app.action<BlockAction<ButtonAction>>(
    ACTION_IDS.deny,
    buttonHandler(deps, 'deny', (args) => decide(deps, args, 'deny')),
  );
}
