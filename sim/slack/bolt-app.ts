// A tiny real Bolt app for the simulator's tests: `/runner` acks with text, an Approve button
// rewrites its card through respond(), and App Home publishes a view.
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';

export interface TestAppOptions {
  apiUrl: string;
  botToken: string;
  signingSecret?: string;
  appToken?: string;
}

export function testApp(o: TestAppOptions): { app: InstanceType<typeof App>; commands: string[] } {
  const commands: string[] = [];
  const clientOptions = { slackApiUrl: o.apiUrl };
  // Bolt's own SocketModeReceiver; a short ping timeout only shortens its wait before reconnecting.
  const receiver = o.appToken
    ? new SocketModeReceiver({
        appToken: o.appToken,
        logLevel: LogLevel.ERROR,
        clientPingTimeout: 300,
        installerOptions: { clientOptions },
      })
    : undefined;
  const app = new App({
    token: o.botToken,
    logLevel: LogLevel.ERROR,
    clientOptions,
    ...(receiver ? { receiver, socketMode: true } : { signingSecret: o.signingSecret }),
  });
  app.command('/runner', async ({ ack, command }) => {
    commands.push(command.text);
    await ack({ text: `Queued: ${command.text}` });
  });
  app.action('approve', async ({ ack, respond, body }) => {
    await ack();
    await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
  });
  app.event('app_home_opened', async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Fleet: 0 runners' } }] },
    });
  });
  return { app, commands };
}

export const approvalCard = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Rebuild gitlab-runner-02?' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [{ type: 'button', action_id: 'approve', value: 'run-1', text: { type: 'plain_text', text: 'Approve' } }],
  },
];
