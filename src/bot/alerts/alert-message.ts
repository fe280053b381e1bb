// One alert group as one Slack message: a headline with the severity emoji and counts, each alert
// (summary, description, the labels that matter, runbook and source links) up to a limit and then
// "and N more", a link to Alertmanager, the silence set from Slack, and the Silence / Rebuild
// buttons while it fires.
import type { AlertmanagerAlert } from '../../core/alerts/payload.ts';
import type { AlertView } from '../../core/alerts/ports.ts';
import type { SlackBlock, SlackMessage } from '../blocks/types.ts';
import { ALERT_ACTION_IDS, SILENCE_DURATIONS, type SilenceDuration } from './alert-actions.ts';
import { checkSilence, matchersText, silenceLabels } from '../../core/alerts/silence.ts';
import { escapeMrkdwn, link } from '../mrkdwn.ts';
import { mention } from '../../core/approval.ts';

/** Alerts shown one by one; with the headline, context and buttons this stays far below 50 blocks. */
export const MAX_ALERTS_SHOWN = 10;
const MAX_REBUILD_BUTTONS = 3;
/** Labels every alert has, or that the headline already says. */
const QUIET_LABELS = new Set(['alertname', 'severity', 'prometheus', 'job', 'monitor']);

const SEVERITY_EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':warning:',
  info: ':information_source:',
};

export function statusEmoji(view: Pick<AlertView, 'summary'>): string {
  if (view.summary.status === 'resolved') return ':large_green_circle:';
  return SEVERITY_EMOJI[view.summary.severity?.toLowerCase() ?? ''] ?? ':bell:';
}

export function headline({ summary, payload }: AlertView): string {
  const counts =
    summary.status === 'resolved'
      ? 'RESOLVED'
      : `FIRING:${summary.firing}${summary.resolved ? `, resolved:${summary.resolved}` : ''}`;
  const names = summary.alertnames.join(', ') || 'Alert';
  const about = Object.entries(payload.groupLabels)
    .filter(([k]) => k !== 'alertname')
    .map(([, v]) => v)
    .join(' ');
  return `[${counts}] ${names}${about ? ` ${about}` : ''}`;
}

function alertSection(alert: AlertmanagerAlert, commonLabels: Record<string, string>): SlackBlock {
  const title = alert.annotations.summary ?? alert.labels.alertname ?? 'alert';
  const labels = Object.entries(alert.labels)
    .filter(
      ([name, value]) =>
        !QUIET_LABELS.has(name) && (commonLabels[name] !== value || Object.keys(commonLabels).length <= 1),
    )
    .map(([name, value]) => `\`${escapeMrkdwn(name)}=${escapeMrkdwn(value)}\``);
  const links = [link(alert.annotations.runbook_url, 'Runbook'), link(alert.generatorURL, 'Source')].filter(Boolean);
  const lines = [
    `${alert.status === 'resolved' ? ':white_check_mark:' : ':fire:'} *${escapeMrkdwn(title)}*`,
    alert.annotations.description ? escapeMrkdwn(alert.annotations.description) : '',
    labels.join(' '),
    links.join(' · '),
  ].filter((line) => line !== '');
  return { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } };
}

function commonContext({ payload }: AlertView): SlackBlock | null {
  const labels = Object.entries(payload.commonLabels)
    .filter(([name]) => name !== 'alertname')
    .map(([name, value]) => `${escapeMrkdwn(name)}=${escapeMrkdwn(value)}`);
  const alertmanager = link(payload.externalURL, 'Alertmanager');
  const parts = [
    labels.join(', '),
    payload.commonAnnotations.runbook_url ? link(payload.commonAnnotations.runbook_url, 'Runbook') : undefined,
    alertmanager,
  ].filter((p): p is string => Boolean(p));
  return parts.length ? { type: 'context', elements: [{ type: 'mrkdwn', text: parts.join(' · ') }] } : null;
}

const slackTime = (ms: number): string =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

/** The silence set from the Silence button, while the group fires: until when and by whom, or that it ended. */
function silenceContext({ silence }: AlertView): SlackBlock | null {
  if (!silence) return null;
  const by = mention(escapeMrkdwn(silence.by));
  const text =
    silence.endedAt === undefined
      ? `:no_bell: Silenced until ${slackTime(silence.until)}, by ${by}`
      : `:bell: The silence set by ${by} ended ${slackTime(silence.endedAt)} while this still fires; Alertmanager notifies again`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The confirm dialog says exactly which matchers the click creates (plain text: nothing in it is live). */
function silenceConfirm(view: AlertView, duration: SilenceDuration) {
  const matchers = checkSilence(silenceLabels(view.payload));
  const text = matchers.ok
    ? `Every alert matching ${matchersText(matchers.value)} will be silenced in Alertmanager for ${duration}.`
    : matchers.error.message;
  return {
    title: plain(`Silence for ${duration}?`),
    text: plain(text.length > 300 ? `${text.slice(0, 299)}…` : text),
    confirm: plain('Silence'),
    deny: plain('Cancel'),
  };
}

function buttons(view: AlertView): SlackBlock | null {
  if (view.summary.status !== 'firing') return null;
  const silence = (Object.keys(SILENCE_DURATIONS) as SilenceDuration[]).map((d) => ({
    type: 'button' as const,
    action_id: ALERT_ACTION_IDS.silence(d),
    text: plain(`Silence ${d}`),
    value: view.groupKey,
    confirm: silenceConfirm(view, d),
  }));
  const rebuild = view.managedRunners.slice(0, MAX_REBUILD_BUTTONS).map((runner) => ({
    type: 'button' as const,
    action_id: ALERT_ACTION_IDS.rebuild(runner),
    style: 'danger' as const,
    text: { type: 'plain_text' as const, text: `Rebuild ${runner}` },
    value: runner,
  }));
  return { type: 'actions', block_id: 'alert_actions', elements: [...silence, ...rebuild] };
}

export function alertGroupMessage(view: AlertView): SlackMessage {
  const { payload, summary } = view;
  const title = `${statusEmoji(view)} ${headline(view)}`;
  const shown = payload.alerts.slice(0, MAX_ALERTS_SHOWN);
  const more = payload.alerts.length - shown.length + summary.truncated;
  const blocks: (SlackBlock | null)[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(title)}*` } },
    ...shown.map((alert) => alertSection(alert, payload.commonLabels)),
    more > 0 ? { type: 'context', elements: [{ type: 'mrkdwn', text: `and ${more} more` }] } : null,
    commonContext(view),
    silenceContext(view),
    buttons(view),
  ];
  const firstSummary = payload.commonAnnotations.summary ?? payload.alerts[0]?.annotations.summary;
  return {
    text: escapeMrkdwn(`${title}${firstSummary ? ` — ${firstSummary}` : ''}`),
    blocks: blocks.filter((b): b is SlackBlock => b !== null),
  };
}

export function resolvedReply(view: AlertView): SlackMessage {
  return { text: `:large_green_circle: Resolved: ${escapeMrkdwn(headline(view))}` };
}
