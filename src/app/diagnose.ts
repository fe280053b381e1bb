// `/runner doctor`: an approver asks; the configured services are checked and every line comes back.
import type { DoctorCheck } from '../core/doctor.ts';
import { canRunDoctor } from '../core/doctor.ts';
import type { Result } from '../core/errors.ts';
import { ok } from '../core/errors.ts';
import type { Directory } from '../core/ports.ts';
import type { RequestPolicy } from './request-policy.ts';

export interface DiagnoseDeps {
  directory: Directory;
  policy: Pick<RequestPolicy, 'approvers'>;
  /** Runs every check against the live services; seconds, not milliseconds. */
  doctor(): Promise<DoctorCheck[]>;
}

export async function diagnose(deps: DiagnoseDeps, userId: string): Promise<Result<DoctorCheck[]>> {
  const allowed = canRunDoctor({ userId, groups: await deps.directory.groupsOf(userId) }, deps.policy.approvers);
  if (!allowed.ok) return allowed;
  return ok(await deps.doctor());
}
