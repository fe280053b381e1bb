// The bodies Slack sends to an app: a slash command, a block_actions click, an app_home_opened event.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Workspace } from './workspace.ts';
import type { SimMessage } from './types.ts';

export interface SlashCommandInput {
  command?: string;
  text: string;
  userId: string;
  channelId: string;
}

export interface BlockActionInput {
  userId: string;
  channelId: string;
  /** The message holding the button: a channel message, or one of the user's ephemerals. */
  messageTs: string;
  actionId: string;
  /** Defaults to the clicked button's own value. */
  value?: string;
}

export const triggerId = (): string =>
  `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${randomBytes(16).toString('hex')}`;

export function slashCommandBody(
  ws: Workspace,
  input: SlashCommandInput,
  responseUrl: string,
  trigger: string,
): Record<string, string> {
  const user = ws.users.get(input.userId);
  return {
    token: 'legacy-verification-token',
    team_id: ws.seed.teamId,
    team_domain: ws.seed.teamDomain,
    channel_id: input.channelId,
    channel_name: ws.channels.get(input.channelId)?.name ?? 'unknown',
    user_id: input.userId,
    user_name: user?.name ?? 'unknown',
    command: input.command ?? '/runner',
    text: input.text,
    api_app_id: ws.seed.appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: trigger,
  };
}

type Button = { block_id?: string; action: Record<string, unknown> };

/** Finds the clicked element; a user can only click a button that is on the message. */
export function findAction(blocks: unknown[] | undefined, actionId: string): Button | undefined {
  for (const block of (blocks ?? []) as Record<string, unknown>[]) {
    const elements = [
      ...((block.elements as unknown[]) ?? []),
      ...(block.accessory ? [block.accessory] : []),
    ] as Record<string, unknown>[];
    const action = elements.find((e) => e.action_id === actionId);
    if (action) return { ...(typeof block.block_id === 'string' ? { block_id: block.block_id } : {}), action };
  }
  return undefined;
}

export function blockActionPayload(
  ws: Workspace,
  input: BlockActionInput,
  source: { blocks?: unknown[]; message?: SimMessage; ephemeral: boolean },
  responseUrl: string,
  trigger: string,
): Record<string, unknown> {
  const found = findAction(source.blocks, input.actionId);
  if (!found) throw new Error(`no element with action_id ${input.actionId} on message ${input.messageTs}`);
  const { action } = found;
  const user = ws.users.get(input.userId);
  const { channel: _c, history: _h, ...message } = source.message ?? ({} as SimMessage);
  return {
    type: 'block_actions',
    user: { id: input.userId, username: user?.name, name: user?.name, team_id: ws.seed.teamId },
    api_app_id: ws.seed.appId,
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channelId,
      is_ephemeral: source.ephemeral,
    },
    trigger_id: trigger,
    team: { id: ws.seed.teamId, domain: ws.seed.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: ws.channels.get(input.channelId)?.name },
    ...(source.message ? { message } : {}),
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        type: action.type,
        action_id: input.actionId,
        block_id: found.block_id ?? 'block',
        ...(action.text ? { text: action.text } : {}),
        value: input.value ?? action.value,
        ...(action.style ? { style: action.style } : {}),
        action_ts: ws.nextTs(),
      },
    ],
  };
}

export function appHomeOpenedEvent(ws: Workspace, userId: string): Record<string, unknown> {
  const view = ws.views.get(userId);
  return {
    token: 'legacy-verification-token',
    team_id: ws.seed.teamId,
    api_app_id: ws.seed.appId,
    event: {
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId.slice(1)}`,
      tab: 'home',
      event_ts: ws.nextTs(),
      ...(view ? { view: { id: view.id, ...view.view } } : {}),
    },
    type: 'event_callback',
    event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: ws.seed.teamId,
        user_id: ws.seed.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}
