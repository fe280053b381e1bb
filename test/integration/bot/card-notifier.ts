// A Notifier for the listener tests that posts and rewrites a run's root message with the real
// Block Kit builders (the outbox's SlackNotifier does this in the service).
import type { WebClient } from '@slack/web-api';
import { rootMessage } from '../../../src/bot/blocks/index.ts';
import type { Notifier, ProgressEvent } from '../../../src/core/ports.ts';

export class CardNotifier implements Notifier {
  readonly roots = new Map<string, string>();
  readonly events: ProgressEvent[] = [];

  constructor(
    private readonly web: WebClient,
    private readonly channel: string,
  ) {}

  async notify(event: ProgressEvent): Promise<void> {
    this.events.push(event);
    if (event.type === 'run-requested') {
      const posted = await this.web.chat.postMessage({ channel: this.channel, ...rootMessage(event.run) });
      this.roots.set(event.run.id, posted.ts!);
    } else if (event.type === 'approval-decided') {
      const ts = this.roots.get(event.run.id);
      if (ts)
        await this.web.chat.update({
          channel: this.channel,
          ts,
          ...rootMessage(event.run, { decision: event.decision, by: event.by }),
        });
    }
  }
}
