// The Notifier port over the Slack outbox: each run gets a root message (the approval card while
// it waits), one progress message in its thread, edited as steps pass, and a summary or failure
// reply at the end. notify() only writes to Redis; the outbox's delivery talks to Slack.
import type { Redis } from 'ioredis';
import type { Notifier, ProgressEvent } from '../core/ports.ts';
import type { RunRecord } from '../core/run.ts';
import type { Logger } from '../log.ts';
import {
  failureMessage,
  progressMessage,
  rootMessage,
  summaryMessage,
  warningsMessage,
  type DecisionNote,
  type StepProgress,
} from './blocks/index.ts';
import type { Outbox } from './outbox/index.ts';

export interface SlackNotifierOptions {
  outbox: Outbox;
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** The progress message changes at most this often. Default 2000 ms. */
  progressIntervalMs?: number;
}

/** The outbox keys of a run's messages: the outbox maps each to its channel and ts (`tsOf`), so the run record holds no Slack id. */
export const runMessageKeys = (runId: string) => ({
  root: `run:${runId}:root`,
  progress: `run:${runId}:progress`,
  outcome: `run:${runId}:outcome`,
});

const STATE_TTL_SECONDS = 30 * 24 * 3600;

export class SlackNotifier implements Notifier {
  private readonly progressIntervalMs: number;

  constructor(private readonly options: SlackNotifierOptions) {
    this.progressIntervalMs = options.progressIntervalMs ?? 2000;
  }

  async notify(event: ProgressEvent): Promise<void> {
    const { run } = event;
    if (!run.channel) return;
    try {
      await this.handle(event, run.channel);
    } catch (error) {
      this.options.logger.warn(
        { runId: run.id, event: event.type, error: (error as Error).message },
        'could not queue a Slack message',
      );
    }
  }

  private async handle(event: ProgressEvent, channel: string): Promise<void> {
    const { outbox } = this.options;
    const { run } = event;
    const keys = runMessageKeys(run.id);
    switch (event.type) {
      case 'run-requested':
        await outbox.post({ key: keys.root, channel, ...rootMessage(run) });
        return;
      case 'approval-decided': {
        const decision = { decision: event.decision, by: event.by };
        await this.save(run.id, { decision: JSON.stringify(decision) });
        await outbox.update({ key: keys.root, ...rootMessage(run, decision) });
        return;
      }
      case 'run-started': {
        await this.updateRoot(run);
        const progress = progressMessage(run, await this.progress(run.id));
        if (!(await outbox.post({ key: keys.progress, channel, threadKey: keys.root, ...progress })))
          await outbox.update({ key: keys.progress, ...progress });
        return;
      }
      case 'step-started':
        await this.options.redis.hdel(this.stateKey(run.id), 'failed', 'note');
        await this.updateProgress(run);
        return;
      case 'step-finished':
        await this.save(
          run.id,
          { [`step:${event.step}`]: JSON.stringify({ durationMs: event.durationMs, applied: event.applied }) },
          ['failed', 'note'],
        );
        await this.updateProgress(run);
        if (event.warnings?.length)
          await outbox.post({
            key: `run:${run.id}:warnings:${event.step}`,
            channel,
            threadKey: keys.root,
            ...warningsMessage(run, event.step, event.warnings),
          });
        return;
      case 'step-note':
        await this.save(run.id, { note: JSON.stringify({ step: event.step, text: event.text }) });
        await this.updateProgress(run);
        return;
      case 'step-failed':
        await this.save(run.id, {
          failed: JSON.stringify({ step: event.step, ...event.error, willRetry: event.willRetry }),
        });
        await this.updateProgress(run);
        return;
      case 'run-finished':
        await this.updateProgress(run, 0);
        await this.updateRoot(run);
        await outbox.post({
          key: keys.outcome,
          channel,
          threadKey: keys.root,
          ...(run.status === 'succeeded' ? summaryMessage(run) : failureMessage(run)),
        });
        return;
    }
  }

  private async updateRoot(run: RunRecord): Promise<void> {
    const raw = await this.options.redis.hget(this.stateKey(run.id), 'decision');
    const decision = raw ? (JSON.parse(raw) as DecisionNote) : undefined;
    await this.options.outbox.update({ key: runMessageKeys(run.id).root, ...rootMessage(run, decision) });
  }

  private async updateProgress(run: RunRecord, minIntervalMs = this.progressIntervalMs): Promise<void> {
    const message = progressMessage(run, await this.progress(run.id));
    await this.options.outbox.update({ key: runMessageKeys(run.id).progress, ...message, minIntervalMs });
  }

  private async progress(runId: string): Promise<StepProgress> {
    const fields = await this.options.redis.hgetall(this.stateKey(runId));
    const finished: StepProgress['finished'] = {};
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith('step:'))
        finished[field.slice('step:'.length) as keyof StepProgress['finished']] = JSON.parse(value);
    }
    return {
      finished,
      ...(fields.failed ? { failed: JSON.parse(fields.failed) } : {}),
      ...(fields.note ? { note: JSON.parse(fields.note) } : {}),
    };
  }

  private async save(runId: string, fields: Record<string, string>, remove: string[] = []): Promise<void> {
    const key = this.stateKey(runId);
    const tx = this.options.redis.multi().hset(key, fields);
    if (remove.length) tx.hdel(key, ...remove);
    await tx.expire(key, STATE_TTL_SECONDS).exec();
  }

  private stateKey(runId: string): string {
    return `${this.options.prefix}:notify:run:${runId}`;
  }
}
