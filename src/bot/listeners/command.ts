// `/runner`: parse and ack first (usage errors and help in the ack itself, "On it…" for the
// rest), then claim the delivery's trigger_id so a retried or redelivered command does nothing,
// then do the slow work, in its turn behind the acks (after-ack.ts), and answer through the
// response_url.
import type { App } from '@slack/bolt';
import type { AfterAck } from '../after-ack.ts';
import { parseCommandText } from '../../core/command.ts';
import { fit, helpReply, ON_IT, safeReply, unexpectedReply, usageReply, type Reply } from '../answers/replies.ts';
import { errorText, type BotDeps } from '../bot-deps.ts';
import { respondThrough } from '../response-url.ts';
import { handleCommand } from './command-handler.ts';

export const SLASH_COMMAND = '/runner';

export function registerCommand(app: App, deps: BotDeps, afterAck: AfterAck): void {
  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    const arrived = performance.now();
    const parsed = parseCommandText(command.text, { namePattern: deps.policy.namePattern });
    const immediate: Reply | undefined = !parsed.ok
      ? usageReply(parsed.error)
      : parsed.value.kind === 'help'
        ? helpReply(parsed.value.topic)
        : undefined;
    await ack({ response_type: 'ephemeral', ...fit(immediate ?? ON_IT) });
    deps.observeAck?.((performance.now() - arrived) / 1000);
    if (immediate || !parsed.ok) return;
    const request = parsed.value;
    afterAck.run(async () => {
      if (!(await deps.dedupe.claim(command.trigger_id))) {
        deps.logger.info({ triggerId: command.trigger_id }, 'repeated delivery of a /runner command ignored');
        return;
      }
      let reply: Reply;
      try {
        reply = await handleCommand(deps, request, command.user_id);
      } catch (error) {
        deps.logger.error({ err: error, command: request.kind, user: command.user_id }, '/runner failed');
        reply = unexpectedReply(errorText(error));
      }
      await respondThrough(command.response_url, { response_type: 'ephemeral', ...safeReply(reply, deps.scrub) }).catch(
        (error: unknown) => deps.logger.warn({ err: error }, 'could not answer /runner through response_url'),
      );
    });
  });
}
