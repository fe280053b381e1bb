// One line of `runnerbot doctor`: a check that passed (✓) or failed (✗, with the fix).
import type { DoctorCheck } from '../../core/doctor.ts';

export type CheckResult = DoctorCheck;

export const pass = (name: string, detail: string): CheckResult => ({ ok: true, name, detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ ok: false, name, detail, fix });

/** Runs `check`; a thrown error becomes a failed line naming the check, with `fix`. */
export async function attempt(
  name: string,
  fix: string,
  check: () => Promise<CheckResult | CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    const result = await check();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    return [fail(name, error instanceof Error ? error.message : String(error), fix)];
  }
}

export const formatResult = (r: CheckResult): string =>
  r.ok ? `✓ ${r.name}: ${r.detail}` : `✗ ${r.name}: ${r.detail}\n    fix: ${r.fix}`;
