// One line of `runnerbot doctor` (and `/runner doctor`): a check that passed, or failed with its
// fix; and who may ask for the checks in Slack.
import { describeMembers, isMember, type Actor } from './approval.ts';
import { err, ok, type Result } from './errors.ts';

export interface DoctorCheck {
  ok: boolean;
  /** e.g. `proxmox: template on pve2` */
  name: string;
  detail: string;
  fix?: string;
}

/** The checks name every node, storage, bridge and group: as much as an approver may see. */
export function canRunDoctor(actor: Actor, approvers: readonly string[]): Result<void> {
  if (isMember(actor, approvers)) return ok(undefined);
  return err({ code: 'AUTH.FORBIDDEN', message: `only ${describeMembers(approvers)} can run \`doctor\`` });
}
