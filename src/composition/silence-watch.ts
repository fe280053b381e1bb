// The silenced-group check as every worker runs it: every `alerts.silenceCheckSeconds`, the worker
// holding the lease checks the groups that are due (at most MAX_GROUPS_PER_TICK Alertmanager
// requests a period). A worker that dies loses the lease within two periods and another takes over.
import { randomUUID } from 'node:crypto';
import { checkSilencedGroups, type CheckSilencedGroupsDeps } from '../app/check-silenced-groups.ts';
import type { Logger } from '../log.ts';

export const MAX_GROUPS_PER_TICK = 10;
/** Prometheus re-sends firing alerts every minute (`resend_delay`); twice that covers a restart. */
export const FRESH_ALERTMANAGER_MS = 2 * 60_000;

export interface SilenceWatch {
  stop(): void;
}

export function startSilenceWatch(
  deps: Omit<CheckSilencedGroupsDeps, 'maxGroups' | 'freshAlertmanagerMs'> &
    Partial<Pick<CheckSilencedGroupsDeps, 'maxGroups' | 'freshAlertmanagerMs'>>,
  logger: Logger,
): SilenceWatch {
  const holder = randomUUID();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      if (!(await deps.silenced.lease(holder, deps.periodMs * 2))) return;
      for (const check of await checkSilencedGroups({
        maxGroups: MAX_GROUPS_PER_TICK,
        freshAlertmanagerMs: FRESH_ALERTMANAGER_MS,
        ...deps,
      })) {
        if (check.outcome === 'unanswered')
          logger.warn(
            { err: check.error, group: check.groupKey },
            'Alertmanager did not answer about a silenced group',
          );
        else
          logger[check.outcome === 'silenced' ? 'debug' : 'info'](
            { group: check.groupKey, outcome: check.outcome },
            'silenced alert group checked',
          );
      }
    } catch (err) {
      logger.warn({ err }, 'checking silenced alert groups failed; it runs again at the next period');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.periodMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
