// `--dry-run` in Slack: what the change would create or remove and its steps, in sentences
// (core/dry-run-text.ts); nothing is changed.
import type { ResolvedRequest, ChangeCommand } from '../../app/resolve-request.ts';
import type { RequestPolicy } from '../../app/request-policy.ts';
import { describeDryRun } from '../../core/dry-run-text.ts';
import type { FleetEntry } from '../../core/ports.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import type { Reply } from './replies.ts';

export function dryRunReply(
  command: ChangeCommand,
  resolved: ResolvedRequest,
  existing: FleetEntry | null,
  policy: Pick<RequestPolicy, 'nodes' | 'vmidRange' | 'provisionNeedsApproval'>,
): Reply {
  const text = describeDryRun({
    kind: command.kind,
    spec: resolved.spec,
    plan: resolved.plan,
    existing,
    nodes: policy.nodes,
    ...(policy.vmidRange ? { vmidRange: policy.vmidRange } : {}),
    needsApproval: command.kind !== 'provision' || policy.provisionNeedsApproval,
  });
  const lines = (items: string[]) => items.map(escapeMrkdwn).join('\n');
  return {
    text: [
      `*Dry run:* ${code(`${command.kind} ${command.name}`)}`,
      lines(text.summary),
      `*Steps*\n${lines(text.steps)}`,
      lines(text.closing),
    ].join('\n\n'),
  };
}
