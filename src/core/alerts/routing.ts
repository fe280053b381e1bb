// Which Slack channel(s) an alert group goes to: routes of label matchers, tried in order; the
// first that matches wins unless it says `continue`; the default channel when none matches.
import { err, ok, permanent, type Result } from '../errors.ts';
import { matches, parseMatcher, type Matcher } from './matcher.ts';
import type { AlertmanagerPayload, Labels } from './payload.ts';

export { parseMatcher, parseMatchers, matches, type Matcher, type MatchOp } from './matcher.ts';
export { alertGroupKey, summarizeGroup, runnerNameFromInstance, type AlertGroupSummary } from './summary.ts';

export interface AlertRoute {
  /** Matcher strings as in the config, or matchers already parsed by `compileRoutes`. */
  matchers: readonly (string | Matcher)[];
  channel: string;
  continue?: boolean;
}

export interface CompiledRoute {
  matchers: Matcher[];
  channel: string;
  continue: boolean;
}

export type AlertGroup = Partial<Pick<AlertmanagerPayload, 'groupLabels' | 'commonLabels'>> & {
  alerts?: readonly { labels: Labels }[];
};

/** Parses every route's matchers once (at start-up), naming the first bad one by its path. */
export function compileRoutes(routes: readonly AlertRoute[], path = 'alerts.routes'): Result<CompiledRoute[]> {
  const compiled: CompiledRoute[] = [];
  for (const [r, route] of routes.entries()) {
    const matchers: Matcher[] = [];
    for (const [m, matcher] of route.matchers.entries()) {
      const parsed = typeof matcher === 'string' ? parseMatcher(matcher) : ok(matcher);
      if (!parsed.ok)
        return err({ code: 'CONFIG.INVALID', message: `${path}[${r}].matchers[${m}]: ${parsed.error.message}` });
      matchers.push(parsed.value);
    }
    compiled.push({ matchers, channel: route.channel, continue: route.continue ?? false });
  }
  return ok(compiled);
}

/**
 * The channels for one alert group, without duplicates. A route matches the group when any of
 * its alerts matches every matcher (so one critical alert among warnings reaches the critical
 * route); a group without alerts is judged by its common and group labels. Matcher strings that
 * do not parse throw CONFIG.INVALID: check the configuration with `compileRoutes` at start-up.
 */
export function routeAlertGroup(group: AlertGroup, routes: readonly AlertRoute[], defaultChannel?: string): string[] {
  const compiled = compileRoutes(routes);
  if (!compiled.ok) throw permanent('CONFIG.INVALID', compiled.error.message);
  const labelSets =
    group.alerts && group.alerts.length > 0
      ? group.alerts.map((alert) => ({ ...group.commonLabels, ...alert.labels }))
      : [{ ...group.groupLabels, ...group.commonLabels }];
  const channels: string[] = [];
  for (const route of compiled.value) {
    const hit = labelSets.some((labels) => route.matchers.every((m) => matches(m, labels)));
    if (!hit) continue;
    if (!channels.includes(route.channel)) channels.push(route.channel);
    if (!route.continue) break;
  }
  if (channels.length === 0 && defaultChannel) channels.push(defaultChannel);
  return channels;
}
