// auth.test, users.info, usergroups.*, views.publish and apps.connections.open.
import { checkBlocks } from './blocks.ts';
import { fail, ok, type MethodHandler } from './api-context.ts';
import { jsonArg, stringArg } from './request.ts';

const authTest: MethodHandler = ({ workspace, baseUrl }) => {
  const { teamId, teamDomain, botUserId, botId } = workspace.seed;
  const bot = workspace.users.get(botUserId);
  return ok({
    url: `${baseUrl}/`,
    team: teamDomain,
    user: bot?.name ?? 'bot',
    team_id: teamId,
    user_id: botUserId,
    bot_id: botId,
    is_enterprise_install: false,
  });
};

const usersInfo: MethodHandler = ({ workspace, args }) => {
  const user = workspace.users.get(stringArg(args, 'user') ?? '');
  if (!user) return fail('user_not_found');
  return ok({
    user: {
      id: user.id,
      team_id: workspace.seed.teamId,
      name: user.name,
      real_name: user.real_name,
      deleted: false,
      is_bot: Boolean(user.is_bot),
      is_admin: false,
      profile: { real_name: user.real_name, display_name: user.name },
    },
  });
};

const groupUsers: MethodHandler = ({ workspace, args }) => {
  const group = workspace.usergroups.get(stringArg(args, 'usergroup') ?? '');
  if (!group) return fail('no_such_subteam');
  return ok({ users: [...group.users] });
};

const groupList: MethodHandler = ({ workspace, args }) => {
  const withUsers = ['1', 'true'].includes(stringArg(args, 'include_users') ?? '');
  const usergroups = [...workspace.usergroups.values()].map((g) => ({
    id: g.id,
    team_id: workspace.seed.teamId,
    is_usergroup: true,
    name: g.name,
    handle: g.handle,
    user_count: g.users.length,
    ...(withUsers ? { users: [...g.users] } : {}),
  }));
  return ok({ usergroups });
};

const viewsPublish: MethodHandler = ({ workspace, args }) => {
  const userId = stringArg(args, 'user_id') ?? '';
  if (!workspace.users.has(userId))
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] invalid `user_id` [json-pointer:/user_id]'] },
    });
  const parsed = jsonArg(args.view);
  const view = parsed.ok ? parsed.value : undefined;
  if (!view || typeof view !== 'object')
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] failed to parse view [json-pointer:/view]'] },
    });
  const v = view as Record<string, unknown>;
  if (v.type !== 'home')
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] must be home [json-pointer:/view/type]'] },
    });
  const blocks = checkBlocks(v.blocks, 100, '/view/blocks');
  if (!blocks.ok)
    return fail('invalid_arguments', {
      response_metadata: {
        messages: blocks.messages ?? ['[ERROR] missing required field: blocks [json-pointer:/view]'],
      },
    });
  const published = workspace.publishView(userId, v);
  return ok({
    view: {
      id: published.id,
      team_id: workspace.seed.teamId,
      app_id: workspace.seed.appId,
      bot_id: workspace.seed.botId,
      ...v,
      hash: published.publishedTs,
    },
  });
};

const connectionsOpen: MethodHandler = ({ openSocketUrl }) => ok({ url: openSocketUrl() });

export const directoryMethods: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'usergroups.users.list': groupUsers,
  'usergroups.list': groupList,
  'views.publish': viewsPublish,
  'apps.connections.open': connectionsOpen,
};
