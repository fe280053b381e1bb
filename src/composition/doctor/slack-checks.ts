// The Slack half of `runnerbot doctor`: the bot token is valid and has the manifest's scopes,
// the channel exists and the bot is in it, and the configured user groups exist.
import type { WebClient } from '@slack/web-api';
import { attempt, fail, pass, type CheckResult } from './check.ts';

/** The bot scopes manifest.yml asks for (a test keeps the two equal). */
export const MANIFEST_BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'usergroups:read',
  'users:read',
  'channels:history',
  'groups:history',
];

interface SlackWhere {
  channel: string;
  /** User-group ids (S…) among operators and approvers. */
  groups: string[];
}

export async function slackChecks(client: WebClient, where: SlackWhere): Promise<CheckResult[]> {
  const auth = await attempt(
    'slack',
    'check SLACK_BOT_TOKEN (the Bot User OAuth Token of the installed app, xoxb-…)',
    async () => {
      const answer = await client.auth.test();
      const scopes = answer.response_metadata?.scopes ?? [];
      const missing = MANIFEST_BOT_SCOPES.filter((s) => !scopes.includes(s));
      return [
        pass('slack', `the bot token is valid (team ${answer.team ?? answer.team_id}, bot ${answer.user_id})`),
        missing.length === 0
          ? pass('slack scopes', MANIFEST_BOT_SCOPES.join(' '))
          : fail(
              'slack scopes',
              `the bot token lacks ${missing.join(', ')}`,
              'add them from manifest.yml (OAuth & Permissions > Bot Token Scopes) and reinstall the app',
            ),
      ];
    },
  );
  if (!auth[0]!.ok) return auth;
  const channel = await attempt(
    'slack channel',
    `set slack.channel to a channel id (C…) and /invite the bot there`,
    async () => {
      const info = await client.conversations.info({ channel: where.channel });
      return info.channel?.is_member
        ? pass('slack channel', `${where.channel} (#${info.channel.name}), the bot is a member`)
        : fail(
            'slack channel',
            `the bot is not in ${where.channel} (#${info.channel?.name})`,
            `/invite @runnerbot in #${info.channel?.name}`,
          );
    },
  );
  const groups =
    where.groups.length === 0
      ? []
      : await attempt('slack user groups', 'check the S… ids in slack.operators and slack.approvers', async () => {
          const known = new Set(
            ((await client.usergroups.list({ include_disabled: true })).usergroups ?? []).map((g) => g.id),
          );
          return where.groups.map((id) =>
            known.has(id)
              ? pass(`slack user group ${id}`, 'exists')
              : fail(
                  `slack user group ${id}`,
                  'no such user group in the workspace',
                  'fix the id in slack.operators / slack.approvers',
                ),
          );
        });
  return [...auth, ...channel, ...groups];
}
