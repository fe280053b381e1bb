// The slow half of `/runner`, after the ack: authorize and request, or read and describe.
import { describeFleet } from '../../app/describe-fleet.ts';
import { diagnose } from '../../app/diagnose.ts';
import { describePools } from '../../app/describe-pools.ts';
import { scalePool } from '../../app/scale-pool.ts';
import { requestJob } from '../../app/request-job.ts';
import { resolveRequest, type ChangeCommand } from '../../app/resolve-request.ts';
import type { Command } from '../../core/command.ts';
import { auditReply } from '../answers/audit.ts';
import { doctorReply } from '../answers/doctor.ts';
import { dryRunReply } from '../answers/dry-run.ts';
import { listReply, statusReply } from '../answers/fleet.ts';
import { poolsReply, scaleReply } from '../answers/pools.ts';
import { helpReply, refusalReply, requestedReply, type Reply } from '../answers/replies.ts';
import type { BotDeps } from '../bot-deps.ts';

/** Entries read for `audit`: enough for the last runs' requests, steps and ends, folded into 20 events. */
const AUDIT_ROWS = 1000;

export async function requestChange(deps: BotDeps, command: ChangeCommand, userId: string): Promise<Reply> {
  if (command.dryRun) {
    const existing = await deps.fleet.get(command.name);
    const resolved = resolveRequest(deps.policy, command, existing);
    return resolved.ok ? dryRunReply(command, resolved.value, existing, deps.policy) : refusalReply(resolved.error);
  }
  const outcome = await requestJob(deps, { command, requester: { userId, via: 'slack' }, channel: deps.channel });
  if (!outcome.ok) return refusalReply(outcome.error);
  return requestedReply(outcome.value.run, outcome.value.awaitingApproval, deps.channel);
}

export async function handleCommand(deps: BotDeps, command: Command, userId: string): Promise<Reply> {
  const now = deps.clock.now();
  switch (command.kind) {
    case 'provision':
    case 'reprovision':
    case 'deprovision':
    case 'rotate-token':
      return requestChange(deps, command, userId);
    case 'scale': {
      const outcome = await scalePool(deps, {
        profile: command.profile,
        count: command.count,
        requester: { userId, via: 'slack' },
        channel: deps.channel,
      });
      return outcome.ok ? scaleReply(outcome.value, true) : refusalReply(outcome.error);
    }
    case 'pools':
      return poolsReply(await describePools(deps), now);
    case 'list':
      return listReply(await describeFleet(deps, {}), now);
    case 'status':
      return statusReply(await describeFleet(deps, { name: command.name }), command.name, now);
    case 'audit':
      return auditReply(
        await deps.readAudit({ ...(command.name ? { runner: command.name } : {}), limit: AUDIT_ROWS }),
        command.name,
        now,
      );
    case 'doctor': {
      const checks = await diagnose(deps, userId);
      return checks.ok ? doctorReply(checks.value) : refusalReply(checks.error);
    }
    case 'help':
      return helpReply(command.topic);
  }
}
