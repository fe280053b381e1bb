// The work that follows an ack (a command's answer) waits its turn behind the acks. Each task
// starts from setImmediate, one start per turn of the event loop: an idle loop turns at once, so
// an answer is not delayed, but when the CPU is short (a busy host, an alert storm in the same
// process) a turn carries every delivery waiting to be acked and only one more answer, so acks,
// which Slack times out after 3 s, go first, and the answers (Slack waits 30 minutes for a
// response_url) follow as soon as there is room.
import type { Logger } from 'pino';

export interface AfterAck {
  run(task: () => Promise<void>): void;
  /** Resolves once every queued and started task has finished (a graceful stop waits for it). */
  idle(): Promise<void>;
}

export function createAfterAck(logger: Logger): AfterAck {
  const waiting: (() => Promise<void>)[] = [];
  let running = 0;
  let scheduled = false;
  const idlers: (() => void)[] = [];

  const settle = () => {
    if (waiting.length === 0 && running === 0) for (const resolve of idlers.splice(0)) resolve();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(turn);
  };
  function turn(): void {
    scheduled = false;
    const task = waiting.shift();
    if (!task) return settle();
    running++;
    task()
      .catch((error: unknown) => logger.error({ err: error }, 'work after an ack failed'))
      .finally(() => {
        running--;
        settle();
      });
    if (waiting.length > 0) schedule();
  }

  return {
    run(task) {
      waiting.push(task);
      schedule();
    },
    idle: () =>
      waiting.length === 0 && running === 0 ? Promise.resolve() : new Promise((resolve) => idlers.push(resolve)),
  };
}
