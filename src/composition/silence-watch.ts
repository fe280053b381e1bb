// The silenced-group check as every worker runs it: every `alerts.silenceCheckSeconds`, the worker
// holding the lease checks the groups that are due (at most MAX_GROUPS_PER_TICK Alertmanager
// requests a period). A worker that dies loses the lease within two periods and another takes over.
import { checkSilencedGroups, type CheckSilencedGroupsDeps } from '../app/check-silenced-groups.ts';
import type { Logger } from '../log.ts';
import { startLeasedChore, type Chore } from './leased-chore.ts';

export const MAX_GROUPS_PER_TICK = 10;
/** Prometheus re-sends firing alerts every minute (`resend_delay`); twice that covers a restart. */
export const FRESH_ALERTMANAGER_MS = 2 * 60_000;

export type SilenceWatch = Chore;

export function startSilenceWatch(
  deps: Omit<CheckSilencedGroupsDeps, 'maxGroups' | 'freshAlertmanagerMs'> &
    Partial<Pick<CheckSilencedGroupsDeps, 'maxGroups' | 'freshAlertmanagerMs'>>,
  logger: Logger,
): SilenceWatch {
  return startLeasedChore(
    {
      periodMs: deps.periodMs,
      lease: (holder, ttlMs) => deps.silenced.lease(holder, ttlMs),
      run: async () => {
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
      },
      what: 'checking silenced alert groups',
    },
    logger,
  );
}
