// Alertmanager sends nothing about a silenced group, not its resolve either. For each watched
// group whose check is due (a bounded number per call), ask Alertmanager what it lists and show
// the outcome through the intake, as a notification would: the resolve when it lists nothing, the
// last notification again (now saying the silence ended) when the alerts fire unmuted.
import type { AlertIntake, AlertStore, AlertmanagerAlerts, SilencedGroups } from '../core/alerts/ports.ts';
import { resolvedPayload, silencedGroupState, type SilencedGroupState } from '../core/alerts/silenced.ts';
import type { Clock } from '../core/ports.ts';

export interface CheckSilencedGroupsDeps {
  silenced: SilencedGroups;
  store: Pick<AlertStore, 'lastPayload'>;
  alertmanager: AlertmanagerAlerts;
  intake: AlertIntake;
  clock: Pick<Clock, 'now'>;
  /** Between two checks of one group. */
  periodMs: number;
  /** Groups checked per call: at most this many Alertmanager requests. */
  maxGroups: number;
  /**
   * An Alertmanager younger than this lists no alert yet that Prometheus has not sent again since
   * it started (Prometheus re-sends every minute): a group it does not list is not yet resolved.
   */
  freshAlertmanagerMs: number;
}

export interface SilencedGroupCheck {
  groupKey: string;
  outcome: SilencedGroupState | 'forgotten' | 'unanswered';
  error?: unknown;
}

async function checkOne(deps: CheckSilencedGroupsDeps, groupKey: string): Promise<SilencedGroupCheck> {
  const silence = await deps.silenced.get(groupKey);
  const last = silence && (await deps.store.lastPayload(silence.channel, groupKey));
  if (!silence || !last) {
    await deps.silenced.remove(groupKey);
    return { groupKey, outcome: 'forgotten' };
  }
  let state: SilencedGroupState;
  try {
    state = silencedGroupState(
      await deps.alertmanager.list(silence.alertmanagerUrl, silence.matchers),
      silence.matchers,
    );
  } catch (error) {
    await deps.silenced.reschedule(groupKey, deps.clock.now() + deps.periodMs);
    return { groupKey, outcome: 'unanswered', error };
  }
  const now = deps.clock.now();
  if (state === 'resolved' && !(await longEnoughUp(deps, silence.alertmanagerUrl, now))) state = 'silenced';
  if (state === 'silenced') await deps.silenced.reschedule(groupKey, now + deps.periodMs);
  if (state === 'resolved') {
    await deps.intake.enqueue(resolvedPayload(last, now));
    await deps.silenced.unwatch(groupKey);
  }
  if (state === 'ended') {
    await deps.silenced.put(groupKey, { ...silence, endedAt: Math.min(now, silence.until) }, now);
    await deps.silenced.unwatch(groupKey);
    await deps.intake.enqueue(last);
  }
  return { groupKey, outcome: state };
}

async function longEnoughUp(deps: CheckSilencedGroupsDeps, url: string, now: number): Promise<boolean> {
  if (deps.freshAlertmanagerMs <= 0) return true;
  return now - (await deps.alertmanager.startedAt(url)) >= deps.freshAlertmanagerMs;
}

export async function checkSilencedGroups(deps: CheckSilencedGroupsDeps): Promise<SilencedGroupCheck[]> {
  const due = await deps.silenced.due(deps.clock.now(), deps.maxGroups);
  const checks: SilencedGroupCheck[] = [];
  for (const groupKey of due) checks.push(await checkOne(deps, groupKey));
  return checks;
}
