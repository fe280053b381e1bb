// The buttons on alert messages. Silence (operators only) creates a silence in Alertmanager for
// the labels every alert of the group shows (as its confirm dialog says), refuses matchers wider
// than the group, says so in the message's thread, and has the group watched (Alertmanager sends
// nothing about a silenced group) and its message shown again with the silence on it; Rebuild asks for the usual
// approval-gated reprovision of the runner, as `/runner reprovision` would.
import { isMember, mention } from '../../core/approval.ts';
import type { AlertIntake, AlertStore, SilencedGroups } from '../../core/alerts/ports.ts';
import { checkSilence, matchersText } from '../../core/alerts/silence.ts';
import type { ExtraAction } from '../app.ts';
import { refusalReply, type Reply } from '../answers/replies.ts';
import type { BotDeps } from '../bot-deps.ts';
import { buttonHandler, type ButtonArgs } from '../listeners/approval.ts';
import { requestChange } from '../listeners/command-handler.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { REBUILD_ACTION, SILENCE_ACTION, SILENCE_DURATIONS, silenceDurationOf } from './alert-actions.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import type { SilenceClient } from '../../core/alerts/ports.ts';

export interface AlertActionDeps {
  bot: BotDeps;
  store: Pick<AlertStore, 'group' | 'lastPayload'>;
  silences: SilenceClient;
  silenced: Pick<SilencedGroups, 'put'>;
  /** The group's last notification goes through the intake again, so the forwarder redraws it with the silence. */
  intake: AlertIntake;
  /** When the silenced group is first checked in Alertmanager (`alerts.silenceCheckSeconds`). */
  firstCheckMs: number;
  outbox: Pick<Outbox, 'post'>;
  /** `alerts.alertmanagerUrl`: where to create silences; the payload's externalURL when unset. */
  alertmanagerUrl?: string;
}

const channelOf = (args: ButtonArgs): string => args.body.channel?.id ?? args.body.container?.channel_id ?? '';

async function silence(deps: AlertActionDeps, args: ButtonArgs): Promise<Reply | undefined> {
  const { bot } = deps;
  const userId = args.body.user.id;
  const duration = silenceDurationOf(args.action.action_id)!;
  if (!isMember({ userId, groups: await bot.directory.groupsOf(userId) }, bot.policy.operators)) {
    return refusalReply({ code: 'AUTH.FORBIDDEN', message: 'only operators can silence alerts' });
  }
  const channel = channelOf(args);
  const group = await deps.store.group(channel, args.action.value ?? '');
  if (!group)
    return refusalReply({
      code: 'AUTH.FORBIDDEN',
      message: 'runnerbot no longer knows this alert group; silence it in Alertmanager',
    });
  const url = deps.alertmanagerUrl ?? group.externalURL;
  if (!url)
    return refusalReply({
      code: 'CONFIG.INVALID',
      message: 'cannot silence this group here: no Alertmanager URL; set alerts.alertmanagerUrl',
    });
  const matchers = checkSilence(group.commonLabels);
  // Not refusalReply: the reason names label values, outside text to escape in full.
  if (!matchers.ok) return { text: `:warning: ${escapeMrkdwn(matchers.error.message)}` };
  const now = bot.clock.now();
  const endsAt = new Date(now + SILENCE_DURATIONS[duration]);
  const createdBy = args.body.user.name ? `${args.body.user.name} (${userId})` : userId;
  const silenceId = await deps.silences.create(url, {
    matchers: matchers.value,
    startsAt: new Date(now),
    endsAt,
    createdBy,
    comment: `Silenced for ${duration} from Slack by ${createdBy} (runnerbot)`,
  });
  await deps.silenced.put(
    group.groupKey,
    {
      silenceId,
      until: endsAt.getTime(),
      by: userId,
      alertmanagerUrl: url,
      matchers: matchers.value,
      channel,
    },
    now + deps.firstCheckMs,
  );
  const last = await deps.store.lastPayload(channel, group.groupKey);
  if (last) await deps.intake.enqueue(last);
  await bot.audit.append({
    type: 'alert-action',
    actor: userId,
    detail: { action: 'silence', duration, silenceId, channel },
  });
  await deps.outbox.post({
    key: `${group.messageKey}:silence:${silenceId}`,
    channel,
    threadKey: group.messageKey,
    text: `:no_bell: ${mention(userId)} silenced this group for ${duration}, until <!date^${Math.floor(endsAt.getTime() / 1000)}^{date_short_pretty} {time}|${endsAt.toISOString()}> (silence ${code(silenceId)}: ${escapeMrkdwn(matchersText(matchers.value))})`,
  });
  return undefined;
}

function rebuild(deps: AlertActionDeps, args: ButtonArgs): Promise<Reply> {
  const runner = args.action.value ?? '';
  return requestChange(
    deps.bot,
    { kind: 'reprovision', name: runner, reason: `rebuild from an alert in channel ${channelOf(args)}`, dryRun: false },
    args.body.user.id,
  );
}

// Bolt types extra actions for any element; these ids are only ever on buttons.
const onButton = (handler: (args: ButtonArgs) => Promise<void>) => handler as unknown as ExtraAction['handler'];

/** Pass to `createBoltApp({ extraActions })`. */
export function alertActions(deps: AlertActionDeps): ExtraAction[] {
  return [
    {
      actionId: SILENCE_ACTION,
      handler: onButton(buttonHandler(deps.bot, 'alert-silence', (args) => silence(deps, args))),
    },
    {
      actionId: REBUILD_ACTION,
      handler: onButton(buttonHandler(deps.bot, 'alert-rebuild', (args) => rebuild(deps, args))),
    },
  ];
}
