// App Home: whoever opens the app sees the fleet (each runner, its state, its last run).
import type { App } from '@slack/bolt';
import { describeFleet } from '../../app/describe-fleet.ts';
import { fleetBlocks } from '../answers/fleet.ts';
import type { BotDeps } from '../bot-deps.ts';
import type { SlackBlock } from '../blocks/index.ts';

export function homeView(blocks: SlackBlock[], count: number): { type: 'home'; blocks: SlackBlock[] } {
  const head = count === 0 ? 'runnerbot manages no runners yet. Try `/runner help`.' : `*Runner fleet* (${count})`;
  return {
    type: 'home',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: head } }, { type: 'divider' }, ...blocks],
  };
}

export function registerAppHome(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      const description = await describeFleet(deps, {});
      const view = homeView(fleetBlocks(description, deps.clock.now(), 90), description.runners.length);
      await client.views.publish({
        user_id: event.user,
        view: JSON.parse(deps.scrub(JSON.stringify(view))) as typeof view,
      });
    } catch (error) {
      deps.logger.warn({ err: error, user: event.user }, 'could not publish App Home');
    }
  });
}
