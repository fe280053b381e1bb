// For a web page: `GET /_sim/state` (the whole workspace as JSON) and `GET /_sim/events`
// (Server-Sent Events, one `event: <change type>` per workspace change).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimChange } from './types.ts';
import type { Workspace } from './workspace.ts';

export function snapshot(ws: Workspace): Record<string, unknown> {
  return {
    team: { id: ws.seed.teamId, domain: ws.seed.teamDomain },
    bot: { user_id: ws.seed.botUserId, bot_id: ws.seed.botId, app_id: ws.seed.appId },
    users: [...ws.users.values()],
    usergroups: [...ws.usergroups.values()],
    channels: [...ws.channels.values()].map((c) => ({ ...c, messages: ws.messages.get(c.id) ?? [] })),
    ephemerals: ws.ephemerals.filter((e) => !e.deleted),
    views: [...ws.views.values()],
  };
}

export function streamChanges(ws: Workspace, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'access-control-allow-origin': '*',
  });
  res.write(': connected\n\n');
  const send = (change: SimChange) => res.write(`event: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`);
  ws.changes.on('change', send);
  req.on('close', () => ws.changes.off('change', send));
}
